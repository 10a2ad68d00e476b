/**
 * `baton-agent install`: enrolls, writes the configuration and the systemd unit, then starts the service when
 * systemd runs this host (and no --root was given); otherwise prints exactly what to run.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { installService } from '../../service/install-service.js';
import { formatSystemctl, isSystemdRunning, planStart, runSystemctl } from '../../service/systemd.js';
import { installLauncher, launcherPath, locateVersionedInstall, stableBinPath } from '../../upgrade/versioned-install.js';
import { failUsage } from './usage.js';

export interface InstallFlags {
  coordinator: string;
  caFile?: string;
  coordinatorFingerprint?: string;
  enrollToken?: string;
  name?: string;
  tags?: string;
  root?: string;
}

/** bin/baton-agent.js of this installation, from src/ or dist/ alike. */
export const AGENT_BIN = fileURLToPath(new URL('../../../bin/baton-agent.js', import.meta.url));

export async function install(flags: InstallFlags): Promise<void> {
  const root = flags.root ?? '';
  if (root === '' && process.getuid?.() !== 0) return failUsage(['install writes /etc and /var: run it as root (sudo)']);
  const versioned = locateVersionedInstall(AGENT_BIN);
  const installed = await installService({
    coordinator: flags.coordinator,
    ...(flags.caFile === undefined ? {} : { caFile: flags.caFile }),
    ...(flags.coordinatorFingerprint === undefined ? {} : { coordinatorFingerprint: flags.coordinatorFingerprint }),
    ...(flags.enrollToken === undefined ? {} : { enrollToken: flags.enrollToken }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.tags === undefined ? {} : { tags: flags.tags }),
    root,
    hostname: hostname(),
    nodePath: process.execPath,
    // Through `current` in a versioned installation, so that an upgrade's link swap is what the unit runs.
    binPath: stableBinPath(AGENT_BIN),
    launcherPath: versioned && launcherPath(versioned.prefix),
  });
  if (!installed.ok) {
    for (const problem of installed.error) process.stderr.write(`baton-agent: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  // After the enrollment, like every other file: a refused token leaves nothing behind.
  if (versioned) await installLauncher(versioned.prefix);
  const { hostId, newlyEnrolled, changed, config } = installed.value;
  const { layout } = config;
  process.stdout.write(
    `${newlyEnrolled ? 'enrolled as' : 'already enrolled as'} ${hostId} (${config.name}) with ${config.coordinatorUrl}\n` +
      `configuration: ${layout.configFile}${changed ? '' : ' (unchanged)'}\nunit: ${layout.unitFile}\n`,
  );
  const commands = planStart(changed);
  if (root !== '' || !isSystemdRunning()) {
    const why = root === '' ? 'systemd is not running on this host' : `installed under --root ${root}`;
    const rootFlag = root === '' ? '' : ` --root ${root}`;
    // The launcher restarts the agent after an upgrade and falls back from a broken one, as the unit does.
    const foreground = versioned ? `node ${launcherPath(versioned.prefix)} run${rootFlag}` : `baton-agent run${rootFlag}`;
    process.stdout.write(
      `${why}, so the service was not started. To start it:\n` +
        commands.map((args) => `  ${formatSystemctl(args)}\n`).join('') +
        `or run the agent in the foreground: ${foreground}\n`,
    );
    return;
  }
  const started = await runSystemctl(commands);
  if (!started.ok) {
    process.stderr.write(`baton-agent: ${started.error}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`baton-agent.service is ${changed ? 'restarted' : 'enabled and running'}; see: baton-agent status\n`);
}
