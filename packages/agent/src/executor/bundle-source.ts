import type { Result } from '@baton/shared/result';
import type { DeploymentDirs } from '../layout.js';

/**
 * Where DownloadBundle gets a revision's files from. The agent's default downloads from the coordinator and
 * verifies the digest (download-bundle-step.ts); `baton-agent local-deploy` passes one that copies or unpacks a
 * bundle found on this host. Everything around it (retention, appspec check, install records) is shared.
 */
export interface BundleSource {
  /**
   * Puts the revision's files into `dirs.archiveDir`, replacing what is there. Resolves to a short summary for
   * the event's message; an expected failure (missing file, unsafe archive) is an error message for people.
   */
  unpack(dirs: DeploymentDirs): Promise<Result<string, string>>;
}
