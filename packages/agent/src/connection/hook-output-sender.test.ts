import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HookOutput, MAX_OUTPUT_BATCH_LINES, MAX_OUTPUT_LINE_CHARS, type OutputLine } from '@baton/shared';
import { DEFAULT_FLUSH_DELAY_MS, HookOutputSender } from './hook-output-sender.js';

const line = (text: string, stream: OutputLine['stream'] = 'stdout'): OutputLine => ({ stream, text, at: '2024-05-01T10:00:00.000Z' });

describe('HookOutputSender', () => {
  let sent: HookOutput[];
  let accepting: boolean;
  const sender = () =>
    new HookOutputSender({
      commandId: 'd-1.h-1.ApplicationStart',
      send: (message) => {
        if (accepting) sent.push(HookOutput.parse(message)); // every frame is valid on the wire
        return accepting;
      },
    });

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    accepting = true;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gathers the lines of a burst into one frame sent after the flush delay, numbering lines per command', () => {
    const output = sender();
    output.write(line('one'));
    output.write(line('two', 'stderr'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(DEFAULT_FLUSH_DELAY_MS);
    output.write(line('three'));
    vi.advanceTimersByTime(DEFAULT_FLUSH_DELAY_MS);

    expect(sent.map(({ seq, lines }) => ({ seq, texts: lines.map((l) => `${l.stream}:${l.text}`) }))).toEqual([
      { seq: 0, texts: ['stdout:one', 'stderr:two'] },
      { seq: 2, texts: ['stdout:three'] },
    ]);
  });

  it('sends a full batch at once, without waiting for the delay', () => {
    const output = sender();
    for (let i = 0; i < MAX_OUTPUT_BATCH_LINES + 1; i++) output.write(line(`line ${i}`));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.lines).toHaveLength(MAX_OUTPUT_BATCH_LINES);
    output.close();
    expect(sent[1]).toMatchObject({ seq: MAX_OUTPUT_BATCH_LINES, lines: [{ text: `line ${MAX_OUTPUT_BATCH_LINES}` }] });
  });

  it('bounds a batch by its characters too, so a frame stays small', () => {
    const output = sender();
    for (let i = 0; i < 9; i++) output.write(line('x'.repeat(MAX_OUTPUT_LINE_CHARS)));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.lines).toHaveLength(8);
  });

  it('drops a batch it cannot send and leaves a gap in the line numbers', () => {
    const output = sender();
    accepting = false;
    output.write(line('while offline'));
    vi.advanceTimersByTime(DEFAULT_FLUSH_DELAY_MS);
    accepting = true;
    output.write(line('back online'));
    output.close();
    expect(sent).toEqual([expect.objectContaining({ seq: 1, lines: [expect.objectContaining({ text: 'back online' })] })]);
  });

  it('cuts an over-long line and marks the cut', () => {
    const output = sender();
    output.write(line('y'.repeat(MAX_OUTPUT_LINE_CHARS + 10)));
    output.close();
    const text = sent[0]!.lines[0]!.text;
    expect(text).toHaveLength(MAX_OUTPUT_LINE_CHARS);
    expect(text.endsWith('…')).toBe(true);
  });

  it('sends what is left on close, then ignores later lines and leaves no timer behind', () => {
    const output = sender();
    output.write(line('last'));
    output.close();
    output.write(line('after close'));
    expect(vi.getTimerCount()).toBe(0);
    expect(sent.flatMap(({ lines }) => lines.map((l) => l.text))).toEqual(['last']);
  });
});
