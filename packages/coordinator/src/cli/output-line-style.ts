import { formatOutputText, type OutputRecord } from '../logs/output-format.js';

/** Distinct, readable on dark and light terminals; a host keeps its colour for the whole output. */
const HOST_COLOURS = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94] as const;
const sgr = (code: number, text: string): string => `\u001b[${code}m${text}\u001b[0m`;
const DIM = 2;
const RED = 31;

/**
 * One hook output line as `baton logs` prints it: `host event [stream] text`, the API's text form. In colour the
 * host takes a colour of its own, the event is dim, and so are the agent's lines; stderr is red.
 */
export function styleOutputLine(record: OutputRecord, colour: boolean): string {
  if (!colour) return formatOutputText(record);
  const host = sgr(HOST_COLOURS[hashOf(record.host) % HOST_COLOURS.length]!, record.host);
  const stream = `[${record.stream}]`;
  const body =
    record.stream === 'stderr' ? sgr(RED, `${stream} ${record.text}`) : record.stream === 'agent' ? sgr(DIM, `${stream} ${record.text}`) : `${stream} ${record.text}`;
  return `${host} ${sgr(DIM, record.event)} ${body}`;
}

function hashOf(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}
