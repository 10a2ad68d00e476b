import type { HookOutputLine } from './hook-output-store.js';

/** The media type of the logs API's NDJSON form: one `OutputRecord` per line. */
export const NDJSON_TYPE = 'application/x-ndjson';

/** One line as the NDJSON form of the logs API gives it (and `baton logs --json` prints it). */
export interface OutputRecord {
  readonly id: number;
  readonly host: string;
  readonly hostId: string;
  readonly event: string;
  readonly seq: number;
  readonly stream: string;
  readonly text: string;
  readonly at: string;
}

export const toOutputRecord = (line: HookOutputLine): OutputRecord => ({
  id: line.id,
  host: line.hostName,
  hostId: line.hostId,
  event: line.event,
  seq: line.seq,
  stream: line.stream,
  text: line.text,
  at: line.at,
});

/** `web1 ApplicationStart [stdout] text`: the plain-text form, one line per output line. */
export const formatOutputText = ({ host, event, stream, text }: Pick<OutputRecord, 'host' | 'event' | 'stream' | 'text'>): string =>
  `${host} ${event} [${stream}] ${text}`;
