import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { eventually } from '../../../test/harness/processes.js';
import { createAgentLogger } from './logging.js';
import { MEMORY_REPORT_SIGNAL, reportMemoryOnSignal } from './memory-report.js';

let dir: string | undefined;
let removeHandler: (() => void) | undefined;

afterEach(async () => {
  removeHandler?.();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it('logs the memory usage when the process receives the signal', async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-memory-report-'));
  const file = join(dir, 'agent.log');
  removeHandler = reportMemoryOnSignal(createAgentLogger({ file, stderrLevel: 'silent' }));

  process.kill(process.pid, MEMORY_REPORT_SIGNAL);

  const line = await eventually('a memory line', async () => (await readFile(file, 'utf8')).split('\n').find((l) => l.includes('"msg":"memory"')));
  const { memory } = JSON.parse(line) as { memory: Record<string, number> };
  expect(memory.rss).toBeGreaterThan(0);
  expect(memory.heapUsed).toBeGreaterThan(0);
  expect(memory.heapTotal).toBeGreaterThanOrEqual(memory.heapUsed!);
});
