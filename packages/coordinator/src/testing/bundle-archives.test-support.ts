import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { create as createTar } from 'tar';

/** Test support: real archives of `files` (name → content; `*.sh` executable), as the tools users have make them. */
export async function makeArchive(type: 'tgz' | 'tar' | 'zip', files: Record<string, string>): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-archive-'));
  try {
    const src = join(dir, 'src');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(src, name)), { recursive: true });
      writeFileSync(join(src, name), content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
    }
    const out = join(dir, `bundle.${type}`);
    if (type === 'zip') await execa('zip', ['-q', '-r', out, '.'], { cwd: src });
    else await createTar({ gzip: type === 'tgz', file: out, cwd: src, portable: true }, Object.keys(files));
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const APPSPEC = 'version: 0.0\nos: linux\n';
