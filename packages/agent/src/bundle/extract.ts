import { mkdir, rename, rm, stat } from 'node:fs/promises';
import {
  assertNever,
  checkBundleEntries,
  DEFAULT_ARCHIVE_LIMITS,
  EntryBudget,
  ok,
  type ArchiveLimits,
  type BundleError,
  type BundleType,
  type Result,
} from '@baton/shared';
import type { BundleReader } from './bundle-reader.js';
import { applyEntryMetadata } from './entry-metadata.js';
import { openTarBundle } from './tar-bundle.js';
import { openZipBundle } from './zip-bundle.js';

/**
 * Unpacks a bundle into `destDir`, refusing the whole bundle when any entry is unsafe (see the shared
 * bundle/entry-rules.ts, which the coordinator applies too) or the archive exceeds `limits`. Every entry is
 * checked before anything is written.
 *
 * Contract: `destDir` is replaced. It is built beside itself as `<destDir>.partial` and renamed into place only when
 * complete, so after a refusal, a corrupt archive, a thrown infrastructure fault or a crash, `destDir` is absent
 * (a leftover `.partial` is removed by the next call). Modes (but for set-id bits, which are stripped) and mtimes
 * are kept exactly; symlinks stay symlinks; files are owned by the agent's user.
 */
export async function extractBundle(
  archivePath: string,
  bundleType: BundleType,
  destDir: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<Result<{ entries: number }, BundleError>> {
  const staging = `${destDir}.partial`;
  await rm(destDir, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const budget = new EntryBudget((await stat(archivePath)).size, limits);
    const unpacked = await unpackInto(archivePath, bundleType, staging, budget);
    if (unpacked.ok) await rename(staging, destDir);
    return unpacked;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function unpackInto(
  archivePath: string,
  bundleType: BundleType,
  root: string,
  budget: EntryBudget,
): Promise<Result<{ entries: number }, BundleError>> {
  const opened = await openBundle(archivePath, bundleType, budget);
  if (!opened.ok) return opened;
  const reader = opened.value;
  try {
    const checked = checkBundleEntries(reader.entries);
    if (!checked.ok) return checked;
    const written = await reader.extractTo(root, checked.value);
    if (!written.ok) return written;
    await applyEntryMetadata(root, checked.value);
    return ok({ entries: reader.entries.length });
  } finally {
    reader.close();
  }
}

function openBundle(
  archivePath: string,
  bundleType: BundleType,
  budget: EntryBudget,
): Promise<Result<BundleReader, BundleError>> {
  switch (bundleType) {
    case 'tar':
    case 'tgz':
      return openTarBundle(archivePath, budget);
    case 'zip':
      return openZipBundle(archivePath, budget);
    default:
      return assertNever(bundleType, 'bundle type');
  }
}
