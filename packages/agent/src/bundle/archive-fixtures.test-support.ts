import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Header } from 'tar';

/**
 * Test-only builders for archives that honest tools refuse to make (`../evil`, a device, a symlink chain), written
 * byte by byte. Not shipped: nothing outside *.test.ts imports this file.
 */

export type FixtureEntry =
  | { readonly path: string; readonly type?: 'file'; readonly content?: string; readonly mode?: number; readonly mtime?: Date }
  | { readonly path: string; readonly type: 'directory'; readonly mode?: number; readonly mtime?: Date }
  | { readonly path: string; readonly type: 'symlink' | 'hardlink'; readonly target: string }
  | { readonly path: string; readonly type: 'character device' | 'block device' | 'FIFO' };

const TAR_TYPE = {
  file: 'File',
  directory: 'Directory',
  symlink: 'SymbolicLink',
  hardlink: 'Link',
  'character device': 'CharacterDevice',
  'block device': 'BlockDevice',
  FIFO: 'FIFO',
} as const;

const BLOCK = 512;
const FIXED_TIME = new Date('2024-03-01T10:20:30Z');

/** A tar archive of ustar headers (gzipped when `gzip`); names must fit in 100 bytes. */
export async function writeRawTar(
  file: string,
  entries: readonly FixtureEntry[],
  options: { gzip?: boolean } = {},
): Promise<void> {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const body = entry.type === undefined || entry.type === 'file' ? Buffer.from(entry.content ?? '') : Buffer.alloc(0);
    const data = {
      path: entry.path,
      type: TAR_TYPE[type],
      mode: 'mode' in entry && entry.mode !== undefined ? entry.mode : type === 'directory' ? 0o755 : 0o644,
      size: body.length,
      mtime: 'mtime' in entry && entry.mtime ? entry.mtime : FIXED_TIME,
      linkpath: 'target' in entry ? entry.target : '',
      uid: 1234,
      gid: 1234,
    };
    const header = Buffer.alloc(BLOCK);
    new Header(data).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  const archive = Buffer.concat(blocks);
  await writeFile(file, options.gzip ? gzipSync(archive) : archive);
}

const ZIP_FILE_TYPE = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  'character device': 0o020000,
  'block device': 0o060000,
  FIFO: 0o010000,
} as const;

/** A zip archive "made by Unix" (modes in the external attributes), deflating file data, with UTF-8 names. */
export async function writeZip(file: string, entries: readonly FixtureEntry[]): Promise<void> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.type === 'hardlink') throw new Error('zip has no hard links');
    const type = entry.type ?? 'file';
    const name = Buffer.from(type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path);
    // A zip symlink stores its target as the entry's data.
    const content = Buffer.from('target' in entry ? entry.target : 'content' in entry ? (entry.content ?? '') : '');
    const compressed = deflateRawSync(content);
    const permissions = 'mode' in entry && entry.mode !== undefined ? entry.mode : type === 'directory' ? 0o755 : 0o644;
    const mode = ZIP_FILE_TYPE[type] | permissions;
    const [time, date] = dosDateTime('mtime' in entry && entry.mtime ? entry.mtime : FIXED_TIME);
    const common = (buffer: Buffer, at: number): void => {
      buffer.writeUInt16LE(20, at); // version needed
      buffer.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      buffer.writeUInt16LE(8, at + 4); // deflate
      buffer.writeUInt16LE(time, at + 6);
      buffer.writeUInt16LE(date, at + 8);
      buffer.writeUInt32LE(crc32(content), at + 10);
      buffer.writeUInt32LE(compressed.length, at + 14);
      buffer.writeUInt32LE(content.length, at + 18);
      buffer.writeUInt16LE(name.length, at + 22);
      buffer.writeUInt16LE(0, at + 24); // extra field length
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    common(central, 6);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(file, Buffer.concat([...locals, directory, end]));
}

/** DOS times are local time with two-second resolution. */
function dosDateTime(when: Date): [number, number] {
  const time = (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2);
  const date = ((when.getFullYear() - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate();
  return [time, date];
}

/** A fresh temporary directory and the function that removes it. */
export async function makeTempDir(prefix = 'baton-bundle-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
