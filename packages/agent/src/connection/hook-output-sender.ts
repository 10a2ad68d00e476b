/**
 * Streams one command's hook output to the coordinator while the scripts run.
 *
 * Contracts:
 * - `write` never blocks and never throws: lines are batched and a batch goes out at most `flushDelayMs` after
 *   its first line, or at once when it is full (MAX_OUTPUT_BATCH_LINES lines or MAX_BATCH_CHARS characters).
 * - Best effort: a batch that `send` refuses (no session, or the socket is backed up) is dropped, not queued.
 *   Its line numbers are still used up, so the coordinator sees the gap. scripts.log on the host keeps every
 *   line, and the event's result carries the log's tail.
 * - `close` sends what is left and stops the timer; the caller closes before sending the event's result, so
 *   the coordinator has every streamed line of an event before it learns that the event ended.
 */
import {
  MAX_OUTPUT_BATCH_LINES,
  MAX_OUTPUT_LINE_CHARS,
  type HookOutput,
  type OutputLine,
} from '@baton/shared/protocol';

/** Most characters of text in one batch: even fully escaped JSON (6 bytes a character) stays under 1 MB. */
const MAX_BATCH_CHARS = 65_536;
/** Long enough to gather the lines of a burst into one frame, short enough to look live. */
export const DEFAULT_FLUSH_DELAY_MS = 25;
const TRUNCATED_MARK = '…';

export interface HookOutputSenderOptions {
  readonly commandId: string;
  /** Sends one frame; false when it could not go out. */
  readonly send: (message: HookOutput) => boolean;
  readonly flushDelayMs?: number;
}

export class HookOutputSender {
  private batch: OutputLine[] = [];
  private batchChars = 0;
  /** The number of the batch's first line. */
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: HookOutputSenderOptions) {}

  write(line: OutputLine): void {
    if (this.closed) return;
    const text = truncateLine(line.text);
    this.batch.push(text === line.text ? line : { ...line, text });
    this.batchChars += text.length;
    if (this.batch.length >= MAX_OUTPUT_BATCH_LINES || this.batchChars >= MAX_BATCH_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const lines = this.batch;
    const seq = this.seq;
    this.batch = [];
    this.batchChars = 0;
    this.seq += lines.length;
    this.options.send({ type: 'hook-output', commandId: this.options.commandId, seq, lines });
  }
}

function truncateLine(text: string): string {
  if (text.length <= MAX_OUTPUT_LINE_CHARS) return text;
  return `${text.slice(0, MAX_OUTPUT_LINE_CHARS - TRUNCATED_MARK.length)}${TRUNCATED_MARK}`;
}
