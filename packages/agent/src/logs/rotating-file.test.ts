import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentLogger } from '../logging.js';
import { logFilesOldestFirst, RotatingFile } from './rotating-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-rotate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RotatingFile', () => {
  it('rotates by size, keeps a bounded number of files and never splits a line', async () => {
    const file = RotatingFile.open(join(dir, 'agent.log'), { maxBytes: 100, keep: 2 });
    for (let line = 0; line < 40; line++) file.write(`line ${String(line).padStart(2, '0')} ${'x'.repeat(20)}\n`);
    file.close();
    expect((await readdir(dir)).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2']);
    const contents = await Promise.all(logFilesOldestFirst(join(dir, 'agent.log'), 2).map((path) => readFile(path, 'utf8')));
    for (const content of contents) {
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(100);
      expect(content.endsWith('\n')).toBe(true);
    }
    // The newest lines survive, in order, across the kept files.
    const lines = contents.join('').trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^line 39 /);
    expect(lines.map((line) => Number(line.slice(5, 7)))).toEqual(lines.map((_, at) => 40 - lines.length + at));
  });

  it('writes a line larger than the limit whole', async () => {
    const file = RotatingFile.open(join(dir, 'agent.log'), { maxBytes: 10, keep: 1 });
    file.write('short\n');
    file.write(`${'y'.repeat(50)}\n`);
    file.close();
    expect(await readFile(join(dir, 'agent.log'), 'utf8')).toBe(`${'y'.repeat(50)}\n`);
    expect(await readFile(join(dir, 'agent.log.1'), 'utf8')).toBe('short\n');
  });

  it("is the agent logger's file: JSON lines, rotated", async () => {
    const logger = createAgentLogger({ file: join(dir, 'agent.log'), stderrLevel: 'silent', rotation: { maxBytes: 2000, keep: 3 } });
    for (let at = 0; at < 200; at++) logger.info({ at }, 'tick');
    expect((await readdir(dir)).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2', 'agent.log.3']);
    expect((await stat(join(dir, 'agent.log.3'))).size).toBeLessThanOrEqual(2000);
    const last = (await readFile(join(dir, 'agent.log'), 'utf8')).trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ msg: 'tick', at: 199 });
  });
});
