/** `baton-agent uninstall [--purge]`: stops and removes the service; deployed applications stay. */
import { uninstallService } from '../../service/uninstall-service.js';
import { formatSystemctl, isSystemdRunning, RELOAD_COMMANDS, runSystemctl, STOP_COMMANDS } from '../../service/systemd.js';

export async function uninstall(flags: { purge?: boolean; root?: string }): Promise<void> {
  const root = flags.root ?? '';
  const managed = root === '' && isSystemdRunning();
  if (managed) {
    // A unit that is already gone cannot be disabled: that is the state we want, so say it and go on.
    const stopped = await runSystemctl(STOP_COMMANDS);
    if (!stopped.ok) process.stderr.write(`baton-agent: ${stopped.error} (continuing)\n`);
  }
  const removed = await uninstallService({ root, purge: flags.purge ?? false });
  for (const path of removed) process.stdout.write(`removed ${path}\n`);
  if (managed) {
    const reloaded = await runSystemctl(RELOAD_COMMANDS);
    if (!reloaded.ok) process.stderr.write(`baton-agent: ${reloaded.error}\n`);
  } else {
    process.stdout.write(`systemd was not asked to stop the service; if it runs one, run: ${STOP_COMMANDS.map(formatSystemctl).join(' && ')}\n`);
  }
  process.stdout.write(
    flags.purge
      ? 'the agent is uninstalled; deployed applications were kept\n'
      : 'the agent is uninstalled; its identity, state and logs were kept (--purge removes them)\n',
  );
}
