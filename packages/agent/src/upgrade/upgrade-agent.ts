/**
 * Installing the version an `upgrade-agent` names, beside the running one. The caller (agent.ts) runs this only
 * when no lifecycle event runs, sends the answer, and on `starting` exits with RESTART_EXIT_CODE so that systemd
 * (`Restart=always`) or the launcher starts the new version.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UpgradeAgent, UpgradeStatus } from '@baton/shared/protocol';
import type { AgentForm } from '../agent-form.js';
import { downloadBundle } from '../bundle/download.js';
import type { TlsClientOptions } from '../connection/coordinator-trust.js';
import { linkTarget, markerFile, switchLink, writeJsonFile, type UpgradeMarker } from './launcher.js';
import { locateVersionedInstall, unpackVersion } from './versioned-install.js';

export interface UpgradeContext {
  /** bin/baton-agent.js of the running agent (the executable itself in the single-file form). */
  readonly binPath: string;
  /** The single-file executable is not upgraded from a package: it needs Node.js, which such a host may lack. */
  readonly form: AgentForm;
  readonly credential: string;
  /** How the coordinator's certificate is checked (the package comes from the coordinator). */
  readonly coordinatorTls: TlsClientOptions;
  readonly now: Date;
}

export async function installUpgrade(command: UpgradeAgent, { binPath, form, credential, coordinatorTls, now }: UpgradeContext): Promise<UpgradeStatus> {
  const answer = (state: UpgradeStatus['state'], message: string): UpgradeStatus => ({
    type: 'upgrade-status',
    version: command.version,
    state,
    message,
  });
  if (form === 'executable') {
    return answer('refused', `this host runs the single-file agent (${binPath}); upgrade it by running install-agent.sh again`);
  }
  const install = locateVersionedInstall(binPath);
  if (install === undefined) {
    return answer('refused', `this agent runs from ${binPath}, not from a versioned installation (<prefix>/versions/<version>, made by install-agent.sh); upgrade it by hand`);
  }
  const { prefix, currentVersion } = install;
  if (currentVersion === command.version) return answer('refused', `version ${command.version} is already running`);

  const packageFile = join(prefix, 'versions', `${command.version}.tgz`);
  const downloaded = await downloadBundle({ url: command.packageUrl, credential, destFile: packageFile, expectedSha256: command.sha256, tls: coordinatorTls });
  if (!downloaded.ok) return answer('failed', `cannot download ${command.packageUrl}: ${downloaded.error.message}`);
  try {
    await unpackVersion(prefix, command.version, packageFile);
  } catch (error) {
    return answer('failed', `cannot unpack the agent package: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await rm(packageFile, { force: true });
  }

  // Marker first: a crash between the two link moves still leaves a record of what to go back to.
  const marker: UpgradeMarker = { from: currentVersion, to: command.version, at: now.toISOString(), starts: 0 };
  writeJsonFile(markerFile(prefix), marker);
  if (linkTarget(prefix, 'previous') !== currentVersion) switchLink(prefix, 'previous', currentVersion);
  switchLink(prefix, 'current', command.version);
  return answer('starting', `${currentVersion} → ${command.version}; restarting`);
}
