/**
 * `baton-agent uninstall` without the systemctl part: removes the unit and, with `purge`, the agent's own files
 * (configuration and identity under etc/baton, state under var/lib/baton-agent, logs under var/log/baton).
 * Deployed applications, wherever their appspecs put them, are never touched. Idempotent.
 */
import { access, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveLayout } from '../layout.js';

/** Resolves to the paths that existed and were removed. */
export async function uninstallService({ root, purge }: { root: string; purge: boolean }): Promise<string[]> {
  const layout = resolveLayout(root);
  const doomed = [layout.unitFile, ...(purge ? [dirname(layout.configFile), layout.stateDir, layout.logDir] : [])];
  const removed: string[] = [];
  for (const path of doomed) {
    const present = await access(path).then(
      () => true,
      () => false,
    );
    await rm(path, { recursive: true, force: true });
    if (present) removed.push(path);
  }
  return removed;
}
