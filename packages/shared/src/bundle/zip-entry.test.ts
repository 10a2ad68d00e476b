import { describe, expect, it } from 'vitest';
import { checkLocalHeader, checkZipLayout, type ZipCentralRecord, type ZipLocalHeader } from './zip-entry.js';

const name = new TextEncoder().encode('app/run.sh');
const record: ZipCentralRecord = {
  versionMadeBy: 0x314,
  generalPurposeBitFlag: 0x800,
  compressionMethod: 8,
  crc32: 0x1234,
  compressedSize: 10,
  uncompressedSize: 20,
  externalFileAttributes: 0,
  fileNameRaw: name,
  relativeOffsetOfLocalHeader: 0,
};
const local: ZipLocalHeader = { ...record, fileName: name, fileDataStart: 40 };

describe('checkLocalHeader', () => {
  it.each([
    ['the same fields', local],
    ['a data descriptor, with zeros for checksum and sizes', { ...local, generalPurposeBitFlag: 0x808, crc32: 0, compressedSize: 0, uncompressedSize: 0 }],
    ['zip64 sizes', { ...local, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff }],
  ])('accepts %s', (_, header) => {
    expect(checkLocalHeader('app/run.sh', record, header).ok).toBe(true);
  });

  it.each([
    ['another name', { ...local, fileName: new TextEncoder().encode('app/evil.sh') }, '(name "app/evil.sh")'],
    ['another method', { ...local, compressionMethod: 0 }, '(compression method)'],
    ['encryption only there', { ...local, generalPurposeBitFlag: 0x801 }, '(flags)'],
    ['another checksum', { ...local, crc32: 1 }, '(checksum)'],
    ['other sizes', { ...local, uncompressedSize: 2_000_000 }, '(sizes)'],
  ])('refuses %s', (_, header, reason) => {
    expect(checkLocalHeader('app/run.sh', record, header)).toEqual({
      ok: false,
      error: { code: 'UNSAFE_ENTRY', message: `bundle entry "app/run.sh" has a local header that disagrees with the central directory ${reason}` },
    });
  });
});

describe('checkZipLayout', () => {
  it('accepts entries side by side, in any order', () => {
    expect(checkZipLayout([{ name: 'b', start: 50, end: 90 }, { name: 'a', start: 0, end: 50 }]).ok).toBe(true);
  });

  it('refuses an entry that starts inside another', () => {
    const result = checkZipLayout([{ name: 'outer', start: 0, end: 100 }, { name: 'inner', start: 40, end: 80 }]);

    expect(result).toMatchObject({ ok: false, error: { code: 'UNSAFE_ENTRY', message: 'bundle entry "inner" shares its bytes with "outer" (overlapping zip entries)' } });
  });
});
