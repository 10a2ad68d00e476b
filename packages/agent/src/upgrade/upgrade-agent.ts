/**
 * Installing the version an `upgrade-agent` names, beside the running one. The caller (agent.ts) runs this only
 * when no lifecycle event runs, sends the answer, and on `starting` exits with UPGRADE_EXIT_CODE so that systemd
 * (`Restart=always`) starts the new version.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UpgradeAgent, UpgradeStatus } from '@baton/shared/protocol';
import { downloadBundle } from '../bundle/download.js';
import { writeUpgradeMarker } from './upgrade-marker.js';
import { linkedVersion, locateVersionedInstall, pointLink, unpackVersion } from './versioned-install.js';

/** The agent's exit code after a successful swap: a restart that is not a crash. */
export const UPGRADE_EXIT_CODE = 75;

export interface UpgradeContext {
  /** bin/baton-agent.js of the running agent. */
  readonly binPath: string;
  readonly credential: string;
  readonly now: Date;
}

export async function installUpgrade(command: UpgradeAgent, { binPath, credential, now }: UpgradeContext): Promise<UpgradeStatus> {
  const answer = (state: UpgradeStatus['state'], message: string): UpgradeStatus => ({
    type: 'upgrade-status',
    version: command.version,
    state,
    message,
  });
  const install = locateVersionedInstall(binPath);
  if (install === undefined) {
    return answer('refused', `this agent runs from ${binPath}, not from a versioned installation (<prefix>/versions/<version>, made by install-agent.sh); upgrade it by hand`);
  }
  const { prefix, currentVersion } = install;
  if (currentVersion === command.version) return answer('refused', `version ${command.version} is already running`);

  const packageFile = join(prefix, 'versions', `${command.version}.tgz`);
  const downloaded = await downloadBundle({ url: command.packageUrl, credential, destFile: packageFile, expectedSha256: command.sha256 });
  if (!downloaded.ok) return answer('failed', `cannot download ${command.packageUrl}: ${downloaded.error.message}`);
  try {
    await unpackVersion(prefix, command.version, packageFile);
  } catch (error) {
    return answer('failed', `cannot unpack the agent package: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await rm(packageFile, { force: true });
  }

  // Marker first: a crash between the two link moves still leaves a record of what to go back to.
  await writeUpgradeMarker(prefix, { from: currentVersion, to: command.version, at: now.toISOString() });
  if (linkedVersion(prefix, 'previous') !== currentVersion) await pointLink(prefix, 'previous', currentVersion);
  await pointLink(prefix, 'current', command.version);
  return answer('starting', `${currentVersion} → ${command.version}; restarting`);
}
