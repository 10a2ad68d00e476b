/**
 * Checks a stored bundle before any host sees it, by the same rules the agent applies before it unpacks (the
 * shared bundle/ module): it must be an archive of its declared type that lists to the end, within the entry,
 * unpacked-size and compression-ratio limits (a zip or tar bomb is refused while it is listed, from its headers),
 * and every entry must be safe to unpack (no escape by path or link, no device, no duplicate, no control
 * character, no zip whose local headers disagree with its central directory). The agent checks again as it
 * unpacks (it trusts no coordinator); this check makes the deployment fail with INVALID_REVISION before a host is
 * touched.
 */
import { stat } from 'node:fs/promises';
import {
  checkBundleEntries,
  EntryBudget,
  err,
  ok,
  type ArchiveEntry,
  type ArchiveLimits,
  type BundleError,
  type BundleType,
  type Result,
} from '@baton/shared';
import { listTarEntries, listZipEntries, openZipArchive } from '@baton/shared/archive-io';

export interface ArchiveSummary {
  readonly entries: number;
  readonly unpackedBytes: number;
}

/** Lists and checks the archive at `path` as `bundleType`; the error is a sentence for people. */
export async function inspectArchive(path: string, bundleType: BundleType, limits: ArchiveLimits): Promise<Result<ArchiveSummary, string>> {
  const budget = new EntryBudget((await stat(path)).size, limits);
  const listed = bundleType === 'zip' ? await listZip(path, budget) : await listTarEntries(path, budget, unreadable('tar'));
  if (!listed.ok) return err(listed.error.message);
  if (listed.value.length === 0) return err(`the ${bundleType} archive holds no entries`);
  const checked = checkBundleEntries(listed.value);
  if (!checked.ok) return err(checked.error.message);
  return ok({ entries: budget.entries, unpackedBytes: budget.unpackedBytes });
}

/** The refusal of an archive its parser cannot read; a tgz is read as a tar, so it is named one. */
const unreadable =
  (format: 'tar' | 'zip') =>
  (error: unknown): BundleError => ({
    code: 'CORRUPT_ARCHIVE',
    message: `the bundle is not a readable ${format} archive: ${error instanceof Error ? error.message : String(error)}`,
  });

async function listZip(path: string, budget: EntryBudget): Promise<Result<ArchiveEntry[], BundleError>> {
  const opened = await openZipArchive(path, unreadable('zip'));
  if (!opened.ok) return opened;
  try {
    const listed = await listZipEntries(opened.value, budget, unreadable('zip'));
    return listed.ok ? ok(listed.value.map(({ entry }) => entry)) : listed;
  } finally {
    opened.value.close();
  }
}
