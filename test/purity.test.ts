import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The purity fence: the shared package and the coordinator's engine are pure functions of their inputs.
 * They may not import I/O modules, read the clock or draw random numbers.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const pureTrees = ['packages/shared/src', 'packages/coordinator/src/engine'];
// The shared package's I/O subpath (`@baton/shared/archive-io`: tar and zip listing) lives outside the fence, and no
// pure file may import it.
const ioTrees = ['packages/shared/src/archive-io'];
const forbiddenImport =
  /from\s+['"](node:[^'"]+|fs|path|os|child_process|ws|hono[^'"]*|@hono\/[^'"]+|better-sqlite3|pino|execa|tar|yauzl|[^'"]*archive-io[^'"]*)['"]/;
const forbiddenCall = /\b(Date\.now\(|new Date\(\)|Math\.random\(|setTimeout\(|setInterval\(|process\.)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ioTrees.includes(relative(root, path)) ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('purity fence', () => {
  const files = pureTrees.flatMap((tree) => sourceFiles(join(root, tree)));

  it('covers the pure trees', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [relative(root, file), file]))('%s does no I/O, reads no clock, draws no random', (_, file) => {
    const offending = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*'))
      .filter((line) => forbiddenImport.test(line) || forbiddenCall.test(line));
    expect(offending).toEqual([]);
  });
});
