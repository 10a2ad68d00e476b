import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { Parser } from 'tar';
import { toTarEntry, type ArchiveEntry, type BundleError, type EntryBudget } from '../bundle/index.js';
import { err, ok, type Result } from '../result.js';
import type { DescribeFailure } from './describe-failure.js';

/**
 * Lists the tar (or gzip-compressed tar: the parser detects it from the bytes) at `path` in one full pass, so that
 * a truncated or corrupt archive is refused here. Every entry is admitted to `budget` as it is read: the first one
 * over a limit stops the pass and is the refusal. A parse error is the refusal `describeFailure` makes of it.
 */
export async function listTarEntries(
  path: string,
  budget: EntryBudget,
  describeFailure: DescribeFailure,
): Promise<Result<ArchiveEntry[], BundleError>> {
  const entries: ArchiveEntry[] = [];
  let refusal: BundleError | undefined;
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (readEntry) => {
      readEntry.resume();
      if (refusal !== undefined) return;
      const entry = toTarEntry(readEntry);
      const admitted = budget.admit(entry);
      if (admitted.ok) entries.push(entry);
      else {
        refusal = admitted.error;
        parser.abort(new Error(refusal.message));
      }
    },
  });
  const finished = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (error: unknown) => {
      failure ??= error;
      resolve();
    });
  });
  for await (const chunk of createReadStream(path)) {
    if (failure !== undefined || refusal !== undefined) break;
    if (!parser.write(chunk as Buffer)) await Promise.race([once(parser, 'drain').catch(() => undefined), finished]);
  }
  if (failure === undefined && refusal === undefined) parser.end();
  await finished;
  if (refusal !== undefined) return err(refusal);
  if (failure !== undefined) return err(describeFailure(failure));
  return ok(entries);
}
