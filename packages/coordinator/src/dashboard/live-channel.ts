import type { SSEStreamingApi } from 'hono/streaming';
import type { HookOutputLine } from '../logs/hook-output-store.js';

/** Something hono/jsx rendered: its text is the escaped HTML. */
type Rendered = { toString(): string | Promise<string> };

/** How long changes gather before they are sent: a 200-host step sends one message, not hundreds. */
const FLUSH_MS = 100;
/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * One browser's live stream (server-sent events). Changes are coalesced: an element patched several times
 * before a flush is rendered once, at the flush, so it shows the latest state (renderers read the store then).
 * Messages are written strictly in order; once the browser has gone, writes are dropped.
 */
export class LiveChannel {
  private readonly patches = new Map<string, () => Rendered>();
  private readonly lines: HookOutputLine[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: SSEStreamingApi,
    /** A render or write that failed; the stream goes on with the next change. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.heartbeat = setInterval(() => this.write(() => this.stream.write(': heartbeat\n\n')), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Replaces the page's element `id` with what `render` returns at the next flush. */
  patch(id: string, render: () => Rendered): void {
    this.patches.set(id, render);
    this.scheduleFlush();
  }

  log(line: HookOutputLine): void {
    this.lines.push(line);
    this.scheduleFlush();
  }

  /** Resolves when the browser goes away (or the server closes the connection). */
  closed(): Promise<void> {
    return new Promise((resolve) => this.stream.onAbort(resolve));
  }

  close(): void {
    clearTimeout(this.flushTimer);
    clearInterval(this.heartbeat);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const patches = [...this.patches];
    this.patches.clear();
    const lines = this.lines.splice(0);
    this.write(async () => {
      if (patches.length > 0) {
        const rendered = await Promise.all(patches.map(async ([id, render]) => ({ id, html: String(await render().toString()) })));
        await this.stream.writeSSE({ event: 'patch', data: JSON.stringify(rendered) });
      }
      if (lines.length === 0) return;
      // The last line's id is the message's: a reconnecting browser sends it back (Last-Event-ID) and resumes there.
      const shown = lines.map(({ hostName, event, stream, text }) => ({ hostName, event, stream, text }));
      await this.stream.writeSSE({ event: 'log', id: String(lines.at(-1)!.id), data: JSON.stringify(shown) });
    });
  }

  private write(send: () => Promise<unknown>): void {
    this.writing = this.writing.then(async () => {
      if (this.stream.aborted || this.stream.closed) return;
      await send().catch(this.onError);
    });
  }
}
