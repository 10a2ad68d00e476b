import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time in arrival order, past a failing one', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const queue = new SerialQueue((error) => errors.push(error));
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
    };
    queue.enqueue(task('slow', 30));
    queue.enqueue(() => Promise.reject(new Error('boom')));
    queue.enqueue(task('fast', 1));
    await new Promise<void>((resolve) => queue.enqueue(async () => resolve()));
    expect(log).toEqual(['start slow', 'end slow', 'start fast', 'end fast']);
    expect(errors).toEqual([new Error('boom')]);
  });
});
