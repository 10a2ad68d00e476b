/**
 * An append-only log file rotated by size, for the agent's JSON log.
 *
 * Contracts:
 * - When a line would take the file past `maxBytes`, `agent.log` becomes `agent.log.1`, `.1` becomes `.2`, …, and
 *   the file beyond `keep` rotated ones is deleted; then the line goes into a fresh `agent.log`. A line is never
 *   split across files; a single line larger than `maxBytes` still goes in whole.
 * - Writes are synchronous, so a line written just before a SIGKILL survives.
 * - The size is read from the open descriptor, so two writers (the daemon and a `local-deploy`) appending to the
 *   same file both see its real size; at worst a line of one lands in the file the other just rotated.
 * Readers follow a rotation by inode (see log-sources.ts), so nothing written is skipped by `logs --follow`.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationLimits {
  /** Size at which the current file is rotated. */
  readonly maxBytes: number;
  /** Rotated files kept beside the current one. */
  readonly keep: number;
}

export const DEFAULT_ROTATION: RotationLimits = { maxBytes: 10 * 1024 * 1024, keep: 5 };

/** `[agent.log.<keep>, …, agent.log.1, agent.log]`: every file of the log, oldest first (they may not all exist). */
export function logFilesOldestFirst(path: string, keep: number): string[] {
  return [...Array.from({ length: keep }, (_, at) => `${path}.${keep - at}`), path];
}

export class RotatingFile {
  private fd: number;

  private constructor(
    private readonly path: string,
    private readonly limits: RotationLimits,
  ) {
    this.fd = RotatingFile.openAppend(path);
  }

  static open(path: string, limits: RotationLimits = DEFAULT_ROTATION): RotatingFile {
    mkdirSync(dirname(path), { recursive: true });
    return new RotatingFile(path, limits);
  }

  write(text: string): void {
    const size = fstatSync(this.fd).size;
    if (size > 0 && size + Buffer.byteLength(text) > this.limits.maxBytes) this.rotate();
    writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    const files = logFilesOldestFirst(this.path, this.limits.keep);
    rmSync(files[0]!, { force: true });
    for (let at = 1; at < files.length; at++) renameIfPresent(files[at]!, files[at - 1]!);
    this.fd = RotatingFile.openAppend(this.path);
  }

  private static openAppend(path: string): number {
    return openSync(path, 'a', 0o640);
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot rotate ${from}`, { cause: error });
  }
}
