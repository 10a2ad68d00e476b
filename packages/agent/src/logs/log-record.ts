/**
 * One line of the agent's logs, from either source, in one shape: the agent's JSON log (`agent`) or a deployment's
 * scripts.log (`script`, hook output and the runner's own lines). Parsing is pure and never throws: a line that is
 * not what its file should hold (a torn or hand-written line) is skipped.
 */

export interface LogRecord {
  /** ISO 8601, UTC. */
  readonly time: string;
  readonly source: 'agent' | 'script';
  readonly message: string;
  /** `info`, `warn`, … for agent lines. */
  readonly level?: string;
  readonly deploymentId?: string;
  readonly event?: string;
  /** Hook output: which stream of the script printed it. */
  readonly stream?: 'stdout' | 'stderr';
  /** The agent line's other context (hostId, commandId, err, …). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const STRUCTURAL_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'deploymentId', 'event']);

export function parseAgentLine(line: string): LogRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.time !== 'number') return undefined;
  const fields = Object.fromEntries(Object.entries(record).filter(([key]) => !STRUCTURAL_KEYS.has(key)));
  return {
    time: new Date(record.time).toISOString(),
    source: 'agent',
    message: typeof record.msg === 'string' ? record.msg : '',
    level: LEVELS[Number(record.level)] ?? String(record.level),
    ...(typeof record.deploymentId === 'string' ? { deploymentId: record.deploymentId } : {}),
    ...(typeof record.event === 'string' ? { event: record.event } : {}),
    ...(Object.keys(fields).length === 0 ? {} : { fields }),
  };
}

/** What a scripts.log line depends on: its deployment (the directory) and the event of the last header line. */
export interface ScriptLogState {
  readonly deploymentId: string;
  event?: string;
}

const SCRIPT_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/;
const EVENT_HEADER = /^LifecycleEvent - (\S+)$/;
const STREAM = /^\[(stdout|stderr)\](.*)$/;

/** Reads one scripts.log line (hooks/output-log.ts writes them), moving `state.event` at each event header. */
export function parseScriptLine(line: string, state: ScriptLogState): LogRecord | undefined {
  const match = SCRIPT_LINE.exec(line);
  if (match === null) return undefined;
  const [, time, text = ''] = match;
  const header = EVENT_HEADER.exec(text);
  if (header !== null) state.event = header[1];
  const output = STREAM.exec(text);
  return {
    time: time!,
    source: 'script',
    message: output === null ? text : (output[2] ?? ''),
    deploymentId: state.deploymentId,
    ...(state.event === undefined ? {} : { event: state.event }),
    ...(output === null ? {} : { stream: output[1] as 'stdout' | 'stderr' }),
  };
}
