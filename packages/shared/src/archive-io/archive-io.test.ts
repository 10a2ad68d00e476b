import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir, writeRawTar, writeZip } from '../../../../test/harness/hostile-archives.js';
import { DEFAULT_ARCHIVE_LIMITS, EntryBudget, type BundleError } from '../bundle/index.js';
import { err, ok } from '../result.js';
import { listTarEntries, listZipEntries, openZipArchive, type CheckZipRecord } from './index.js';

const describeFailure = (error: unknown): BundleError => ({ code: 'CORRUPT_ARCHIVE', message: `unreadable: ${String(error)}` });
const budget = (maxEntries = DEFAULT_ARCHIVE_LIMITS.maxEntries) => new EntryBudget(1024, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries });
const HONEST_ENTRIES = [
  { path: 'app', type: 'directory' },
  { path: 'app/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
  { path: 'current', type: 'symlink', target: 'app' },
] as const;

/** The path of an archive file in a temp dir of its own, removed when the test ends. */
async function archivePath(name: string): Promise<string> {
  const tmp = await makeTempDir('baton-archive-io-');
  onTestFinished(() => tmp.remove());
  return join(tmp.dir, name);
}

/** Opens and lists the zip at `path`, reading each file's data from its record before the zip is closed. */
async function listZip(path: string, checkRecord?: CheckZipRecord) {
  const opened = await openZipArchive(path, describeFailure);
  if (!opened.ok) return opened;
  try {
    const listed = await listZipEntries(opened.value, budget(), describeFailure, checkRecord);
    if (!listed.ok) return listed;
    const entries = [];
    for (const { entry, record } of listed.value) {
      let data: string | undefined;
      if (entry.kind === 'file') {
        data = '';
        for await (const chunk of await opened.value.openReadStreamPromise(record)) data += String(chunk);
      }
      entries.push({ ...entry, data });
    }
    return ok(entries);
  } finally {
    opened.value.close();
  }
}

describe('listTarEntries', () => {
  it('lists every entry of a gzipped tar, with its kind, size and link target', async () => {
    const archive = await archivePath('bundle.tgz');
    await writeRawTar(archive, HONEST_ENTRIES, { gzip: true });

    expect(await listTarEntries(archive, budget(), describeFailure)).toMatchObject({
      ok: true,
      value: [
        { path: 'app', kind: 'directory', size: 0 },
        { path: 'app/run.sh', kind: 'file', size: 10, mode: 0o755 },
        { path: 'current', kind: 'symlink', linkTarget: 'app' },
      ],
    });
  });

  it("stops at the budget's first refusal, which is the answer", async () => {
    const archive = await archivePath('bundle.tar');
    await writeRawTar(archive, [{ path: 'a' }, { path: 'b' }, { path: 'c' }]);

    expect(await listTarEntries(archive, budget(1), describeFailure)).toEqual({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: 'bundle has more than 1 entries' },
    });
  });
});

describe('listZipEntries', () => {
  it('lists every entry with its mtime, reads symlink targets, and leaves the records readable', async () => {
    const archive = await archivePath('bundle.zip');
    await writeZip(archive, HONEST_ENTRIES);

    expect(await listZip(archive)).toMatchObject({
      ok: true,
      value: [
        { path: 'app/', kind: 'directory', mtime: expect.any(Date) },
        { path: 'app/run.sh', kind: 'file', size: 10, mode: 0o755, data: '#!/bin/sh\n' },
        { path: 'current', kind: 'symlink', linkTarget: 'app', size: 3 },
      ],
    });
  });

  it("applies the caller's rule to each record before reading it, and answers its refusal", async () => {
    const archive = await archivePath('bundle.zip');
    await writeZip(archive, [{ path: 'ok.txt' }, { path: 'current', type: 'symlink', target: 'x'.repeat(5000) }]);
    const refuseCurrent: CheckZipRecord = (_record, name) => (name === 'current' ? err({ code: 'UNSAFE_ENTRY', message: `no ${name}` }) : ok(undefined));

    expect(await listZip(archive, refuseCurrent)).toEqual({ ok: false, error: { code: 'UNSAFE_ENTRY', message: 'no current' } });
    expect(await listZip(archive)).toEqual({
      ok: false,
      error: { code: 'CORRUPT_ARCHIVE', message: 'bundle entry "current" is a symlink with an over-long target' },
    });
  });
});

describe.each([
  ['tar', (path: string) => listTarEntries(path, budget(), describeFailure)],
  ['zip', (path: string) => listZip(path)],
])('listing bytes that are not a %s', (format, list) => {
  it("answers the caller's refusal", async () => {
    const archive = await archivePath(`bundle.${format}`);
    await writeFile(archive, `not a ${format} archive\n`.repeat(100));

    expect(await list(archive)).toMatchObject({ ok: false, error: { code: 'CORRUPT_ARCHIVE', message: expect.stringMatching(/^unreadable: /) } });
  });
});
