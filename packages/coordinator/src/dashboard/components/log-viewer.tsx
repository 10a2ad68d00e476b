import type { FC } from 'hono/jsx';
import type { HookOutputLine } from '../../logs/hook-output-store.js';

/** One output line, prefixed by host and event; the client script renders live lines the same way. */
const LogLine: FC<{ line: HookOutputLine }> = ({ line }) => (
  <span class={line.stream === 'stderr' ? 'log-line log-stderr' : 'log-line'}>
    <span class="log-prefix">{`${line.hostName} ${line.event} `}</span>
    {`${line.text}\n`}
  </span>
);

/** The hooks' output: the lines kept so far, then live lines appended by the page's stream. */
export const LogViewer: FC<{ lines: readonly HookOutputLine[] }> = ({ lines }) => (
  <section aria-labelledby="log-title">
    <h2 id="log-title">Hook output</h2>
    <pre id="log" class="log" role="log" tabindex={0}>
      {lines.length === 0 && <span id="log-empty">No output yet.{'\n'}</span>}
      {lines.map((line) => (
        <LogLine line={line} />
      ))}
    </pre>
  </section>
);
