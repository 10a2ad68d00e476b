/**
 * Backups of a coordinator's data directory: a tar holding `baton.db` (a consistent online copy made by SQLite's
 * backup API while the server runs) and `blobs/` (the bundles). Blobs are content-addressed and never rewritten,
 * and they are gathered after the database copy, so every bundle the copied database names is in the archive.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { err, ok, type Result } from '@baton/shared';
import * as tar from 'tar';
import { openDatabase, type Database } from './database.js';

export const DATABASE_FILE = 'baton.db';
const BLOBS_DIR = 'blobs';
/** The blob store's in-progress uploads: never complete bundles, so never backed up. */
const BLOB_TMP_DIR = 'tmp';
/** SQLite's companions of a WAL database, removed with it on restore. */
const DATABASE_COMPANIONS = ['-wal', '-shm'];

/**
 * Streams a backup archive of the running coordinator. The copy is staged in `<dataDir>/.backup-<id>` (blobs are
 * hard links, so staging costs no space) and removed once the stream ends, fails or is abandoned.
 */
export async function streamBackup(db: Database, dataDir: string): Promise<Readable> {
  const stage = join(dataDir, `.backup-${randomUUID()}`);
  try {
    await mkdir(join(stage, BLOBS_DIR), { recursive: true });
    await db.backup(join(stage, DATABASE_FILE));
    await stageBlobs(join(dataDir, BLOBS_DIR), join(stage, BLOBS_DIR));
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    throw new Error(`cannot stage a backup of ${dataDir}`, { cause: error });
  }
  const pack = tar.create({ cwd: stage, portable: true }, [DATABASE_FILE, BLOBS_DIR]);
  const archive = Readable.from(pack);
  // The packer reads the stage lazily and can fail more than once (the stage goes when the archive is abandoned):
  // each failure ends the archive; an unheard one would be an uncaught exception that ends the coordinator.
  pack.on('error', (error) => archive.destroy(error as Error));
  archive.once('close', () => void rm(stage, { recursive: true, force: true }));
  return archive;
}

async function stageBlobs(from: string, to: string): Promise<void> {
  const names = existsSync(from) ? await readdir(from, { withFileTypes: true }) : [];
  for (const entry of names) {
    if (!entry.isFile() || entry.name === BLOB_TMP_DIR) continue;
    await link(join(from, entry.name), join(to, entry.name)).catch(() => copyFile(join(from, entry.name), join(to, entry.name)));
  }
}

export type RestoreRefusal =
  | { readonly code: 'TARGET_NOT_EMPTY'; readonly message: string }
  | { readonly code: 'INVALID_BACKUP'; readonly message: string };

export interface RestoredBackup {
  readonly databaseFile: string;
  readonly blobs: number;
}

/**
 * Restores a backup archive into the data directory of a stopped coordinator. Refused when the directory already
 * holds a database, unless `force`. The archive is unpacked beside the target and its database opened and migrated
 * to this version first: a broken or foreign archive is refused before anything of the target is touched. Only
 * `baton.db` and `blobs/` are read from the archive; other entries are ignored.
 */
export async function restoreBackup(
  archiveFile: string,
  dataDir: string,
  options: { readonly force: boolean },
): Promise<Result<RestoredBackup, RestoreRefusal>> {
  const target = join(dataDir, DATABASE_FILE);
  if (existsSync(target) && !options.force) {
    return err({ code: 'TARGET_NOT_EMPTY', message: `${dataDir} already holds a database (${target}); give --force to replace it` });
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const stage = join(dataDir, `.restore-${randomUUID()}`);
  try {
    const unpacked = await unpack(archiveFile, stage);
    if (!unpacked.ok) return unpacked;
    for (const suffix of ['', ...DATABASE_COMPANIONS]) await rm(`${target}${suffix}`, { force: true });
    await rename(join(stage, DATABASE_FILE), target);
    const blobs = await moveBlobs(join(stage, BLOBS_DIR), join(dataDir, BLOBS_DIR));
    return ok({ databaseFile: target, blobs });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Unpacks and checks an archive; the staged database is left closed and checkpointed (no WAL beside it). */
async function unpack(archiveFile: string, stage: string): Promise<Result<void, RestoreRefusal>> {
  await mkdir(stage, { recursive: true });
  try {
    await tar.extract({
      file: archiveFile,
      cwd: stage,
      strict: true,
      filter: (path) => path === DATABASE_FILE || path === BLOBS_DIR || path.startsWith(`${BLOBS_DIR}/`),
    });
  } catch (error) {
    return err({ code: 'INVALID_BACKUP', message: `${archiveFile} is not a readable tar archive: ${describe(error)}` });
  }
  const staged = join(stage, DATABASE_FILE);
  if (!(await stat(staged).catch(() => undefined))?.isFile()) {
    return err({ code: 'INVALID_BACKUP', message: `${archiveFile} holds no ${DATABASE_FILE}` });
  }
  try {
    openDatabase(staged).close();
  } catch (error) {
    return err({ code: 'INVALID_BACKUP', message: `the archive's database cannot be opened and migrated: ${describe(error)}` });
  }
  return ok(undefined);
}

/**
 * Moves the archive's blobs (its plain files; anything else is ignored) into the blob store; a blob already there
 * has the same bytes, its name being its digest.
 */
async function moveBlobs(from: string, to: string): Promise<number> {
  const entries = existsSync(from) ? await readdir(from, { withFileTypes: true }) : [];
  const files = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  await mkdir(to, { recursive: true });
  for (const name of files) await rename(join(from, name), join(to, name));
  return files.length;
}

/** The innermost reason: `openDatabase` wraps SQLite's message in its own. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined ? error.message : `${error.message}: ${describe(error.cause)}`;
}
