import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../logs/output-format.js';
import { styleOutputLine } from './output-line-style.js';

const record = (host: string, stream: string, text: string): OutputRecord => ({
  id: 1,
  host,
  hostId: `h-${host}`,
  event: 'ApplicationStart',
  seq: 0,
  stream,
  text,
  at: '2030-01-01T00:00:00.000Z',
});
const stripAnsi = (text: string): string => text.replace(/\u001b\[\d+m/g, '');

describe('styleOutputLine', () => {
  it('prints `host event [stream] text` without colour', () => {
    expect(styleOutputLine(record('web1', 'stdout', 'ready'), false)).toBe('web1 ApplicationStart [stdout] ready');
  });

  it('adds colour without changing the text, gives each host its own colour and makes stderr red', () => {
    const lines = [record('web1', 'stdout', 'a'), record('web2', 'stderr', 'b'), record('web1', 'agent', 'c')].map((r) => styleOutputLine(r, true));
    expect(lines.map(stripAnsi)).toEqual(['web1 ApplicationStart [stdout] a', 'web2 ApplicationStart [stderr] b', 'web1 ApplicationStart [agent] c']);
    const hostColour = (line: string) => /^\u001b\[(\d+)m/.exec(line)?.[1];
    expect(hostColour(lines[0]!)).toBe(hostColour(lines[2]!));
    expect(hostColour(lines[0]!)).not.toBe(hostColour(lines[1]!));
    expect(lines[1]).toContain('\u001b[31m[stderr] b');
  });
});
