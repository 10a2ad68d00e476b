import { describe, expect, it } from 'vitest';
import { readLines } from './read-lines.js';

const streamOf = (chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

describe('readLines', () => {
  it('splits chunks into lines, across chunk boundaries and inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('first\nsecond é\nlast');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    const lines: string[] = [];
    for await (const line of readLines(streamOf([bytes.slice(0, 3), bytes.slice(3, cut), bytes.slice(cut)]))) lines.push(line);
    expect(lines).toEqual(['first', 'second é', 'last']);
  });
});
