import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError, type RegisterCommands } from '../context.js';

/**
 * `baton backup FILE`: a consistent copy of a running coordinator (database and bundles) saved as a tar.
 * `baton restore FILE --data-dir DIR`: puts one back into the data directory of a stopped coordinator.
 */
export const registerBackupCommands: RegisterCommands = (program, context) => {
  program
    .command('backup')
    .description('save a consistent backup of the running coordinator (database and bundles) to a tar file')
    .argument('<file>', 'where to write the archive')
    .action(async (file: string) => {
      const archive = await context.client().stream('/api/v1/backup', 'application/x-tar');
      // Written beside the target and renamed when complete: FILE is never a truncated backup.
      const partial = `${file}.partial`;
      try {
        await pipeline(Readable.fromWeb(archive as WebReadableStream<Uint8Array>), createWriteStream(partial, { mode: 0o600 }));
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        throw new CliError('BACKUP_FAILED', `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const { size } = await stat(file);
      context.print({ file, bytes: size }, () => `backup saved to ${file} (${size} bytes)`);
    });

  program
    .command('restore')
    .description('restore a backup into the data directory of a stopped coordinator')
    .argument('<file>', 'the archive `baton backup` wrote')
    .requiredOption('--data-dir <dir>', "the coordinator's data directory")
    .option('--force', 'replace the database the directory already holds')
    .action(async (file: string, options: { dataDir: string; force?: boolean }) => {
      // SQLite and the migrations load only for this command, as for `baton server`.
      const { restoreBackup } = await import('../../store/backup.js');
      const restored = await restoreBackup(file, options.dataDir, { force: options.force === true });
      if (!restored.ok) throw new CliError(restored.error.code, restored.error.message);
      const { databaseFile, blobs } = restored.value;
      context.print(restored.value, () => `restored ${databaseFile} and ${blobs} bundle(s); start the coordinator with --data-dir ${options.dataDir}`);
    });
};
