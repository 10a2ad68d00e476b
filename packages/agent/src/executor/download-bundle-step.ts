import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentPaths, err, ok, type RunEvent } from '@baton/shared';
import { deploymentDirs } from '../layout.js';
import type { BundleSource } from './bundle-source.js';
import { failed, succeeded, type ExecutionOutcome } from './execution-outcome.js';
import type { ExecutorContext } from './executor-context.js';
import { loadRevisionAppSpec } from './revision-appspec.js';

/**
 * DownloadBundle (reference section 5, steps 1–2): prune old revisions, download and verify the bundle, unpack
 * it (or take the files from the context's bundle source), and refuse it here, before any script runs, when its
 * appspec is invalid or for another os.
 * Safe to run again for the same deployment: a verified bundle is not fetched twice, the archive is replaced.
 */
export async function downloadBundleStep(
  { deployment }: RunEvent,
  context: ExecutorContext,
): Promise<ExecutionOutcome> {
  const { config, logger } = context;
  const { deploymentRoot } = config.layout;
  const groupId = deployment.deploymentGroupId;
  const { revision } = deployment;
  const dirs = deploymentDirs(deploymentRoot, groupId, deployment.deploymentId);
  const [{ pruneOldRevisions }, records] = await Promise.all([
    import('../bundle/retention.js'),
    import('../install/install-records.js'),
  ]);

  // Created first, so this deployment counts as the newest of the `max-revisions` kept.
  await mkdir(dirs.dir, { recursive: true });
  const lastSuccessful = await records.readInstallRecord(deploymentRoot, groupId, 'last_successful_install');
  const pruned = await pruneOldRevisions({
    groupDir: join(deploymentRoot, groupId),
    keep: config.maxRevisions,
    protect: lastSuccessful === undefined ? [dirs.dir] : [dirs.dir, lastSuccessful],
  });
  if (pruned.length > 0) logger.info({ pruned }, 'removed old revisions');

  const unpacked = await (context.bundleSource ?? coordinatorBundleSource(revision, context)).unpack(dirs);
  if (!unpacked.ok) return failed('UnknownError', unpacked.error);

  const spec = await loadRevisionAppSpec(dirs.archiveDir);
  if (!spec.ok) return failed('UnknownError', spec.error);

  await records.writeInstallRecord(deploymentRoot, groupId, 'most_recent_install', dirs.dir);
  return succeeded(unpacked.value);
}

/** The agent's own source: download from the coordinator (resuming, retried, digest checked), then unpack safely. */
function coordinatorBundleSource(
  revision: RunEvent['deployment']['revision'],
  { config, credential, coordinatorTls, signal }: ExecutorContext,
): BundleSource {
  return {
    async unpack(dirs) {
      const [{ downloadBundleWithRetries }, { extractBundle }, { requireTrustedSignature }, { reuseCachedBundle }] = await Promise.all([
        import('../bundle/download-retry.js'),
        import('../bundle/extract.js'),
        import('../bundle/revision-signature.js'),
        import('../bundle/cached-bundle.js'),
      ]);
      // Checked before a byte is fetched: the agent's keys, not the coordinator, decide what may run here.
      const signed = await requireTrustedSignature(revision, config.trustedKeys);
      if (!signed.ok) return err(signed.error);
      const reused = await reuseCachedBundle(config.layout.deploymentRoot, revision, dirs.bundleFile);
      const downloaded = await downloadBundleWithRetries(
        {
          url: `${config.coordinatorUrl}${AgentPaths.revision(revision.sha256)}`,
          credential,
          destFile: dirs.bundleFile,
          expectedSha256: revision.sha256,
          expectedSize: revision.size,
          ...(coordinatorTls ? { tls: coordinatorTls } : {}),
        },
        signal,
      );
      if (!downloaded.ok) return err(downloaded.error.message);

      const extracted = await extractBundle(dirs.bundleFile, revision.bundleType, dirs.archiveDir);
      if (!extracted.ok) return err(extracted.error.message);
      const how = reused === undefined ? 'downloaded' : `reused the copy held in ${reused}, 0 bytes downloaded,`;
      const signedBy = signed.value === undefined ? '' : `, signed by ${signed.value}`;
      return ok(`${how} revision ${revision.sha256.slice(0, 12)} (${extracted.value.entries} entries${signedBy})`);
    },
  };
}
