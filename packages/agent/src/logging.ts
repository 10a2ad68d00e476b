/**
 * The agent's logger: pino JSON lines to `<root>/var/log/baton/agent.log` for machines (rotated by size, see
 * logs/rotating-file.ts), and a short human line on stderr for whoever watches the terminal or the journal of
 * the service manager.
 */
import { pino, type Logger } from 'pino';
import { RotatingFile, type RotationLimits } from './logs/rotating-file.js';

export type { Logger };

export interface AgentLoggerOptions {
  file: string;
  /** Lowest level echoed to stderr; 'silent' turns the echo off (tests). */
  stderrLevel?: pino.LevelWithSilent;
  /** Size rotation of `file`; DEFAULT_ROTATION when absent. */
  rotation?: RotationLimits;
}

export function createAgentLogger({ file, stderrLevel = 'info', rotation }: AgentLoggerOptions): Logger {
  // Synchronous writes: the agent logs little, and a line written just before a SIGKILL must survive.
  const streams: pino.StreamEntry[] = [{ level: 'debug', stream: RotatingFile.open(file, rotation) }];
  if (stderrLevel !== 'silent') streams.push({ level: stderrLevel, stream: { write: writeHumanLine } });
  return pino({ level: 'debug', base: { pid: process.pid } }, pino.multistream(streams));
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** `12:00:00 INFO connected to the coordinator hostId=h-1` */
function writeHumanLine(json: string): void {
  const record = JSON.parse(json) as Record<string, unknown>;
  const time = new Date(Number(record.time)).toISOString().slice(11, 19);
  const context = Object.entries(record)
    .filter(([key]) => !QUIET_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const level = LEVEL_NAMES[Number(record.level)] ?? String(record.level);
  process.stderr.write(`${time} ${level} ${String(record.msg ?? '')}${context ? ` ${context}` : ''}\n`);
}
