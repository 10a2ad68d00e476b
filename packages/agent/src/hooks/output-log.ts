import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OutputLine, OutputStream } from '@baton/shared/protocol';

/** How much of an event's log its diagnostics carry (the reference keeps 2–4 KB; the protocol asks for ≥ 4 KB). */
export const LOG_TAIL_CHARS = 8192;

/** A scripts.log line: `<ISO time> [stdout]text`, `[stderr]text`, or the agent's own text without a prefix. */
export const formatLogLine = ({ stream, text, at }: OutputLine): string =>
  `${at} ${stream === 'agent' ? '' : `[${stream}]`}${text}`;

/**
 * The script log of one lifecycle event: timestamped lines appended to scripts.log the moment they arrive,
 * handed to an optional listener (live streaming), and a bounded tail of this event's lines for diagnostics.
 * `record` is the one sink of every line: whatever it hands on, file, tail and listener all get the same line.
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
    private readonly onLine: ((line: OutputLine) => void) | undefined,
    private readonly mask: (text: string) => string,
  ) {}

  /**
   * Opens `path` for appending, creating its directories. Throws when the log cannot be created. `mask` hides
   * the deployment's secrets in each line before the line goes anywhere (see createSecretMasker).
   */
  static open(path: string, onLine?: (line: OutputLine) => void, mask: (text: string) => string = (text) => text): OutputLog {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return new OutputLog(path, openSync(path, 'a'), onLine, mask);
    } catch (cause) {
      throw new Error(`cannot open script log ${path}`, { cause });
    }
  }

  record(stream: OutputStream, text: string): void {
    if (this.failure !== undefined) return;
    const line: OutputLine = { stream, text: this.mask(text), at: new Date().toISOString() };
    const formatted = formatLogLine(line);
    try {
      writeSync(this.fd, `${formatted}\n`);
      this.onLine?.(line);
    } catch (cause) {
      this.failure = cause;
      return;
    }
    this.recent += `${formatted}\n`;
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
