import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** How much of an event's log its diagnostics carry (the reference keeps 2–4 KB; the protocol asks for ≥ 4 KB). */
export const LOG_TAIL_CHARS = 8192;

/**
 * The script log of one lifecycle event: timestamped lines appended to scripts.log the moment they arrive,
 * handed to an optional listener (live streaming), and a bounded tail of this event's lines for diagnostics.
 *
 * Writes are synchronous so that stdout and stderr lines keep their arrival order and nothing seen is lost if
 * the agent dies. `record` never throws: it runs inside the output pipeline of a script, where an exception
 * would be mistaken for a script failure. The first failure is kept and `throwIfFailed` raises it instead.
 */
export class OutputLog {
  private recent = '';
  private failure: unknown;

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly onLine: ((line: string) => void) | undefined,
  ) {}

  /** Opens `path` for appending, creating its directories. Throws when the log cannot be created. */
  static open(path: string, onLine?: (line: string) => void): OutputLog {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return new OutputLog(path, openSync(path, 'a'), onLine);
    } catch (cause) {
      throw new Error(`cannot open script log ${path}`, { cause });
    }
  }

  record(text: string): void {
    if (this.failure !== undefined) return;
    const line = `${new Date().toISOString()} ${text}`;
    try {
      writeSync(this.fd, `${line}\n`);
      this.onLine?.(line);
    } catch (cause) {
      this.failure = cause;
      return;
    }
    this.recent += `${line}\n`;
    if (this.recent.length > 2 * LOG_TAIL_CHARS) this.recent = this.recent.slice(-LOG_TAIL_CHARS);
  }

  /** The last LOG_TAIL_CHARS characters recorded through this instance (this event only, not older events). */
  tail(): string {
    return this.recent.slice(-LOG_TAIL_CHARS);
  }

  throwIfFailed(): void {
    if (this.failure === undefined) return;
    throw new Error(`cannot record script output to ${this.path}`, { cause: this.failure });
  }

  close(): void {
    closeSync(this.fd);
  }
}
