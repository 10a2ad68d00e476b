/**
 * Archives that honest tools refuse to make (`../evil`, a device, a symlink chain, a zip whose local headers lie),
 * written byte by byte, and the table of hostile bundles that both the coordinator's inspection and the agent's
 * extraction must refuse. Test-only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { BundleErrorCode, BundleType } from '@baton/shared';
import { Header, Pax } from 'tar';

export type FixtureEntry =
  | {
      readonly path: string;
      readonly type?: 'file';
      readonly content?: string;
      readonly mode?: number;
      readonly mtime?: Date;
      /** Zip only: the name written in the local header, when it should differ from the central directory's. */
      readonly localName?: string;
    }
  | { readonly path: string; readonly type: 'directory'; readonly mode?: number; readonly mtime?: Date }
  | { readonly path: string; readonly type: 'symlink' | 'hardlink'; readonly target: string }
  | { readonly path: string; readonly type: 'character device' | 'block device' | 'FIFO' | 'socket' };

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

const contentOf = (entry: FixtureEntry): Buffer =>
  Buffer.from('target' in entry ? entry.target : 'content' in entry ? (entry.content ?? '') : '');
const modeOf = (entry: FixtureEntry): number =>
  'mode' in entry && entry.mode !== undefined ? entry.mode : entry.type === 'directory' ? 0o755 : 0o644;
const mtimeOf = (entry: FixtureEntry): Date => ('mtime' in entry && entry.mtime ? entry.mtime : FIXED_TIME);

/** A tar archive (gzipped when `gzip`); a name or link longer than ustar holds gets a pax header, as GNU tar does. */
export async function writeRawTar(file: string, entries: readonly FixtureEntry[], options: { gzip?: boolean } = {}): Promise<void> {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'socket') throw new Error('tar has no sockets');
    const body = type === 'file' ? contentOf(entry) : Buffer.alloc(0);
    const data = {
      path: entry.path,
      type: TAR_TYPE[type],
      mode: modeOf(entry),
      size: body.length,
      mtime: mtimeOf(entry),
      linkpath: 'target' in entry ? entry.target : '',
      uid: 1234,
      gid: 1234,
    };
    const header = Buffer.alloc(BLOCK);
    if (new Header(data).encode(header, 0)) blocks.push(new Pax({ path: data.path, linkpath: data.linkpath }).encode());
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
  socket: 0o140000,
} as const;

interface ZipRecord {
  readonly name: Buffer;
  readonly localName: Buffer;
  readonly mode: number;
  readonly method: 0 | 8;
  readonly content: Buffer;
  readonly data: Buffer;
  readonly mtime: Date;
}

/** A zip archive "made by Unix" (modes in the external attributes), deflating file data, with UTF-8 names. */
export async function writeZip(file: string, entries: readonly FixtureEntry[]): Promise<void> {
  const records = entries.map((entry): ZipRecord => {
    if (entry.type === 'hardlink') throw new Error('zip has no hard links');
    const type = entry.type ?? 'file';
    const name = Buffer.from(type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path);
    // A zip symlink stores its target as the entry's data.
    const content = contentOf(entry);
    const localName = 'localName' in entry && entry.localName !== undefined ? Buffer.from(entry.localName) : name;
    return { name, localName, mode: ZIP_FILE_TYPE[type] | modeOf(entry), method: 8, content, data: deflateRawSync(content), mtime: mtimeOf(entry) };
  });
  const locals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const record of records) {
    offsets.push(offset);
    const local = localHeader(record);
    locals.push(local, record.data);
    offset += local.length + record.data.length;
  }
  await writeFile(file, Buffer.concat([...locals, centralDirectory(records, offsets, offset)]));
}

/**
 * A zip whose second entry lies inside the first one's data (the "overlapping entries" zip bomb): both local
 * headers agree with the central directory, yet the two entries share bytes.
 */
export async function writeOverlappingZip(file: string): Promise<void> {
  const inner: ZipRecord = zipRecord('inner.txt', Buffer.from('0'.repeat(1000)), 8);
  const innerBytes = Buffer.concat([localHeader(inner), inner.data]);
  const outer: ZipRecord = zipRecord('outer.txt', innerBytes, 0);
  const outerHeader = localHeader(outer);
  const archive = Buffer.concat([outerHeader, innerBytes]);
  await writeFile(file, Buffer.concat([archive, centralDirectory([outer, inner], [0, outerHeader.length], archive.length)]));
}

function zipRecord(name: string, content: Buffer, method: 0 | 8): ZipRecord {
  const nameBytes = Buffer.from(name);
  const data = method === 8 ? deflateRawSync(content) : content;
  return { name: nameBytes, localName: nameBytes, mode: ZIP_FILE_TYPE.file | 0o644, method, content, data, mtime: FIXED_TIME };
}

/** The fields local headers and central records share, from "version needed" to "extra field length". */
function writeCommonFields(buffer: Buffer, at: number, record: ZipRecord, name: Buffer): void {
  const [time, date] = dosDateTime(record.mtime);
  buffer.writeUInt16LE(20, at); // version needed
  buffer.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  buffer.writeUInt16LE(record.method, at + 4);
  buffer.writeUInt16LE(time, at + 6);
  buffer.writeUInt16LE(date, at + 8);
  buffer.writeUInt32LE(crc32(record.content), at + 10);
  buffer.writeUInt32LE(record.data.length, at + 14);
  buffer.writeUInt32LE(record.content.length, at + 18);
  buffer.writeUInt16LE(name.length, at + 22);
  buffer.writeUInt16LE(0, at + 24); // extra field length
}

function localHeader(record: ZipRecord): Buffer {
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  writeCommonFields(local, 4, record, record.localName);
  return Buffer.concat([local, record.localName]);
}

function centralDirectory(records: readonly ZipRecord[], offsets: readonly number[], directoryOffset: number): Buffer {
  const centrals = records.map((record, i) => {
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    writeCommonFields(central, 6, record, record.name);
    central.writeUInt32LE((record.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offsets[i] ?? 0, 42);
    return Buffer.concat([central, record.name]);
  });
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([directory, end]);
}

/** DOS times are local time with two-second resolution. */
function dosDateTime(when: Date): [number, number] {
  const time = (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2);
  const date = ((when.getFullYear() - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate();
  return [time, date];
}

/** Writes `entries` as a bundle of `bundleType`. */
export function writeBundle(file: string, bundleType: BundleType, entries: readonly FixtureEntry[]): Promise<void> {
  return bundleType === 'zip' ? writeZip(file, entries) : writeRawTar(file, entries, { gzip: bundleType === 'tgz' });
}

/** A fresh temporary directory and the function that removes it. */
export async function makeTempDir(prefix = 'baton-bundle-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A hostile bundle: its entries follow an honest one, and it must be refused with `code`, the message containing `message`. */
export interface HostileBundle {
  readonly name: string;
  readonly formats: readonly BundleType[];
  readonly entries?: readonly FixtureEntry[];
  /** For bundles the entry list cannot describe. */
  readonly write?: (file: string) => Promise<void>;
  readonly code: BundleErrorCode;
  readonly message: string;
}

const ALL: readonly BundleType[] = ['tar', 'tgz', 'zip'];
const TAR: readonly BundleType[] = ['tar', 'tgz'];
const ZIP: readonly BundleType[] = ['zip'];
const LONG_SEGMENT = 'n'.repeat(300);

/** Every hostile bundle both places refuse, each in every format that can carry it. */
export const HOSTILE_BUNDLES: readonly HostileBundle[] = [
  { name: 'an absolute path', formats: ALL, entries: [{ path: '/tmp/baton-evil-absolute', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'escapes the archive (absolute path)' },
  { name: 'a ".." path', formats: ALL, entries: [{ path: '../../../evil', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "../../../evil" escapes the archive (".." segment)' },
  { name: 'a ".." in the middle', formats: ALL, entries: [{ path: 'app/../../evil', content: 'x' }], code: 'UNSAFE_ENTRY', message: '(".." segment)' },
  {
    name: 'a symlink to /etc and a write through it',
    formats: ALL,
    entries: [{ path: 'etc', type: 'symlink', target: '/etc' }, { path: 'etc/baton-evil', content: 'x' }],
    code: 'UNSAFE_ENTRY',
    message: 'bundle entry "etc" escapes the archive (symlink to "/etc")',
  },
  { name: 'a relative symlink out of the root', formats: ALL, entries: [{ path: 'up', type: 'symlink', target: '../../../' }], code: 'UNSAFE_ENTRY', message: 'resolves outside the archive root' },
  {
    name: 'a symlink chain a -> b/.. with b -> .',
    formats: ALL,
    entries: [{ path: 'b', type: 'symlink', target: '.' }, { path: 'a', type: 'symlink', target: 'b/..' }],
    code: 'UNSAFE_ENTRY',
    message: 'bundle entry "a" escapes the archive (symlink to "b/.." resolves outside the archive root)',
  },
  {
    name: 'a chain of three links ending outside',
    formats: ALL,
    entries: [
      { path: 'd/one', type: 'symlink', target: 'two' },
      { path: 'd/two', type: 'symlink', target: 'three' },
      { path: 'd/three', type: 'symlink', target: '../..' },
    ],
    code: 'UNSAFE_ENTRY',
    message: 'resolves outside the archive root',
  },
  { name: 'a symlink loop', formats: ALL, entries: [{ path: 'a', type: 'symlink', target: 'b' }, { path: 'b', type: 'symlink', target: 'a' }], code: 'UNSAFE_ENTRY', message: 'is a symlink in a loop' },
  {
    name: 'a write through an internal symlink',
    formats: ALL,
    entries: [{ path: 'real', type: 'directory' }, { path: 'alias', type: 'symlink', target: 'real' }, { path: 'alias/file', content: 'x' }],
    code: 'UNSAFE_ENTRY',
    message: 'bundle entry "alias/file" lies inside the symlink "alias"',
  },
  { name: 'a character device', formats: ALL, entries: [{ path: 'console', type: 'character device' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "console" is not a file, directory or link (character device)' },
  { name: 'a block device', formats: ALL, entries: [{ path: 'disk', type: 'block device' }], code: 'UNSAFE_ENTRY', message: '(block device)' },
  { name: 'a FIFO', formats: ALL, entries: [{ path: 'pipe', type: 'FIFO' }], code: 'UNSAFE_ENTRY', message: '(FIFO)' },
  { name: 'a socket', formats: ZIP, entries: [{ path: 'sock', type: 'socket' }], code: 'UNSAFE_ENTRY', message: '(socket)' },
  { name: 'a duplicate file', formats: ALL, entries: [{ path: 'twice', content: 'a' }, { path: './twice', content: 'b' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "twice" appears more than once' },
  { name: 'a file replaced by a symlink', formats: ALL, entries: [{ path: 'honest.txt', type: 'symlink', target: 'elsewhere' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "honest.txt" appears more than once' },
  { name: 'a control character in a name', formats: ALL, entries: [{ path: 'bad\u0001name', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "bad\\u0001name" has a control character in its name' },
  { name: 'a newline in a name', formats: ALL, entries: [{ path: 'two\nlines', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "two\\nlines" has a control character in its name' },
  { name: 'an escape sequence in a name', formats: ALL, entries: [{ path: 'red\u001b[31m', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'has a control character in its name' },
  { name: 'a C1 control in a name', formats: ALL, entries: [{ path: 'next\u0085line', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'has a control character in its name' },
  { name: 'a newline in a link target', formats: ALL, entries: [{ path: 'l', type: 'symlink', target: 'a\nb' }], code: 'UNSAFE_ENTRY', message: 'has a control character in its link target' },
  // tar itself cuts names at a NUL (ustar fields and pax values alike), so only zip can carry one to us.
  { name: 'a NUL in a name', formats: ZIP, entries: [{ path: 'nul\u0000name', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "nul\\u0000name" has a control character in its name' },
  { name: 'a name segment longer than 255 bytes', formats: ALL, entries: [{ path: `dir/${LONG_SEGMENT}`, content: 'x' }], code: 'UNSAFE_ENTRY', message: 'has a name longer than the file system allows' },
  { name: 'a hard link to /etc/passwd', formats: TAR, entries: [{ path: 'passwd', type: 'hardlink', target: '/etc/passwd' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "passwd" escapes the archive (hard link to "/etc/passwd")' },
  { name: 'a hard link climbing out', formats: TAR, entries: [{ path: 'passwd', type: 'hardlink', target: '../../../../etc/passwd' }], code: 'UNSAFE_ENTRY', message: 'escapes the archive (hard link to' },
  {
    name: 'a hard link through a symlink to /etc',
    formats: TAR,
    entries: [{ path: 'etc', type: 'symlink', target: 'app/../..' }, { path: 'shadow', type: 'hardlink', target: 'etc/shadow' }],
    code: 'UNSAFE_ENTRY',
    message: 'escapes the archive',
  },
  {
    name: 'hard links to a symlink pointing out',
    formats: TAR,
    entries: [{ path: 'out', type: 'symlink', target: 'x/../../..' }, { path: 'h1', type: 'hardlink', target: 'out' }, { path: 'h2', type: 'hardlink', target: 'h1' }],
    code: 'UNSAFE_ENTRY',
    message: 'bundle entry "out" escapes the archive',
  },
  { name: 'a local header naming another file', formats: ZIP, entries: [{ path: 'innocent.txt', localName: '../../evil.sh', content: 'x' }], code: 'UNSAFE_ENTRY', message: 'bundle entry "innocent.txt" has a local header that disagrees with the central directory (name "../../evil.sh")' },
  { name: 'entries sharing their bytes', formats: ZIP, write: writeOverlappingZip, code: 'UNSAFE_ENTRY', message: 'bundle entry "inner.txt" shares its bytes with "outer.txt" (overlapping zip entries)' },
];

/** The hostile bundles as `[format, bundle]` cases, each preceded by an honest entry that must not be written either. */
export function hostileBundleCases(): { bundleType: BundleType; bundle: HostileBundle; write: (file: string) => Promise<void> }[] {
  return HOSTILE_BUNDLES.flatMap((bundle) =>
    bundle.formats.map((bundleType) => ({
      bundleType,
      bundle,
      write: bundle.write ?? ((file: string) => writeBundle(file, bundleType, [{ path: 'honest.txt', content: 'fine' }, ...(bundle.entries ?? [])])),
    })),
  );
}
