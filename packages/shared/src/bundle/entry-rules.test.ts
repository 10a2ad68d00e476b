import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from './archive-entry.js';
import { checkBundleEntries } from './entry-rules.js';

const file = (path: string): ArchiveEntry => ({ path, kind: 'file', size: 1, mode: 0o644 });
const dir = (path: string): ArchiveEntry => ({ path, kind: 'directory', size: 0, mode: 0o755 });
const symlink = (path: string, linkTarget: string): ArchiveEntry => ({ path, kind: 'symlink', linkTarget, size: 0, mode: 0o777 });
const hardlink = (path: string, linkTarget: string): ArchiveEntry => ({ path, kind: 'hardlink', linkTarget, size: 0, mode: 0o644 });

describe('checkBundleEntries', () => {
  it('normalizes names, drops the root entry and keeps each entry index', () => {
    const result = checkBundleEntries([dir('./'), dir('./app/'), file('./app//run.sh'), symlink('app/current', '.')]);

    expect(result.ok && result.value.map(({ path, index }) => [path, index])).toEqual([
      ['app', 1],
      ['app/run.sh', 2],
      ['app/current', 3],
    ]);
  });

  it('strips set-user-id and set-group-id bits, keeping the sticky bit', () => {
    const result = checkBundleEntries([{ ...dir('d'), mode: 0o3775 }, { ...file('d/run'), mode: 0o6755 }]);

    expect(result.ok && result.value.map(({ mode }) => mode)).toEqual([0o1775, 0o755]);
  });

  it.each([
    ['an internal relative symlink', [dir('lib'), symlink('lib/current', '../releases/v1')]],
    ['a hard link to an earlier file', [file('a'), hardlink('b', './a')]],
    ['the same directory twice', [dir('a'), file('a/x'), dir('a/')]],
    ['a name with a backslash and spaces', [file('dir\\name with spaces.txt')]],
    ['a 255-byte name', [file('n'.repeat(255))]],
  ])('accepts %s', (_, entries) => {
    expect(checkBundleEntries(entries).ok).toBe(true);
  });

  it.each([
    ['a ".." segment', [file('a/../../x')], 'UNSAFE_ENTRY', 'bundle entry "a/../../x" escapes the archive (".." segment)'],
    ['a harmless-looking ".." segment', [file('a/../b')], 'UNSAFE_ENTRY', '(".." segment)'],
    ['an absolute name', [file('/etc/cron.d/x')], 'UNSAFE_ENTRY', '(absolute path)'],
    ['a drive prefix', [file('C:/x')], 'UNSAFE_ENTRY', '(absolute path)'],
    ['a newline in a name', [file('a\nb')], 'UNSAFE_ENTRY', 'bundle entry "a\\nb" has a control character in its name'],
    ['a C1 control in a name', [file('a\u009bb')], 'UNSAFE_ENTRY', 'has a control character in its name'],
    ['a path longer than PATH_MAX', [file(`${'d/'.repeat(2048)}x`)], 'UNSAFE_ENTRY', 'has a name longer than the file system allows'],
    ['a 256-byte name of two-byte characters', [file('é'.repeat(128))], 'UNSAFE_ENTRY', 'has a name longer than the file system allows'],
    ['DEL in a link target', [symlink('l', 'x\u007f')], 'UNSAFE_ENTRY', 'has a control character in its link target'],
    ['a socket', [{ ...file('s'), kind: 'socket' as const }], 'UNSAFE_ENTRY', 'bundle entry "s" is not a file, directory or link (socket)'],
    ['an unsupported type', [{ ...file('s'), kind: 'unsupported entry type' as const }], 'UNSAFE_ENTRY', '(unsupported entry type)'],
    ['an absolute symlink', [symlink('l', '/etc')], 'UNSAFE_ENTRY', 'bundle entry "l" escapes the archive (symlink to "/etc")'],
    ['a symlink chain out of the root', [symlink('b', '.'), symlink('a', 'b/..')], 'UNSAFE_ENTRY', 'bundle entry "a" escapes'],
    ['a symlink loop', [symlink('a', 'b'), symlink('b', 'a')], 'UNSAFE_ENTRY', 'is a symlink in a loop'],
    ['an entry inside a symlink', [symlink('l', 'd'), file('l/x')], 'UNSAFE_ENTRY', 'bundle entry "l/x" lies inside the symlink "l"'],
    ['a file given twice', [file('a'), file('a')], 'UNSAFE_ENTRY', 'bundle entry "a" appears more than once'],
    ['a symlink replacing a directory', [dir('a'), symlink('a', '.')], 'UNSAFE_ENTRY', 'appears more than once'],
    ['an absolute hard link', [hardlink('h', '/etc/shadow')], 'UNSAFE_ENTRY', '(hard link to "/etc/shadow")'],
    ['a hard link through ".."', [hardlink('h', 'a/../../x')], 'UNSAFE_ENTRY', '(hard link to "a/../../x")'],
    ['a hard link to a later file', [hardlink('h', 'a'), file('a')], 'CORRUPT_ARCHIVE', 'which is not an earlier file'],
    ['a hard link to a directory', [dir('d'), hardlink('h', 'd')], 'CORRUPT_ARCHIVE', 'which is not an earlier file'],
    ['an entry inside a file', [file('f'), file('f/x')], 'CORRUPT_ARCHIVE', 'lies inside "f", which is not a directory'],
    ['a symlink without a target', [symlink('l', '')], 'CORRUPT_ARCHIVE', 'is a symlink without a target'],
    ['a file naming the root', [file('./')], 'CORRUPT_ARCHIVE', 'names the archive root'],
  ])('refuses %s', (_, entries, code, message) => {
    const result = checkBundleEntries(entries);

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toContain(message);
    }
  });
});
