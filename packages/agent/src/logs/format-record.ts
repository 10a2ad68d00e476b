import type { LogRecord } from './log-record.js';

const COLOURS = { red: 31, yellow: 33, cyan: 36, grey: 90 } as const;
const LEVEL_COLOUR: Record<string, keyof typeof COLOURS> = { warn: 'yellow', error: 'red', fatal: 'red', debug: 'grey', trace: 'grey' };

/**
 * One readable line. Agent lines: `TIME LEVEL message key=value…`; script lines: `TIME deployment event [stream] text`.
 * With `colour` (a terminal), levels, stderr and the deployment/event columns are coloured. Pure.
 */
export function formatRecord(record: LogRecord, colour: boolean): string {
  const paint = (name: keyof typeof COLOURS, text: string): string => (colour ? `\u001b[${COLOURS[name]}m${text}\u001b[0m` : text);
  const where = [record.deploymentId, record.event].filter((part) => part !== undefined).join(' ');
  if (record.source === 'script') {
    const stream = record.stream === undefined ? '' : `[${record.stream}] `;
    const text = `${stream}${record.message}`;
    return `${paint('grey', record.time)} ${paint('cyan', where)} ${record.stream === 'stderr' ? paint('red', text) : text}`;
  }
  const level = (record.level ?? '').toUpperCase().padEnd(5);
  const levelColour = LEVEL_COLOUR[record.level ?? ''];
  const context = Object.entries(record.fields ?? {}).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const tail = [where === '' ? '' : paint('cyan', where), ...context].filter((part) => part !== '').join(' ');
  return `${paint('grey', record.time)} ${levelColour === undefined ? level : paint(levelColour, level)} ${record.message}${tail === '' ? '' : ` ${tail}`}`;
}
