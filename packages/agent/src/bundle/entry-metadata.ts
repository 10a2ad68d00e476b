import { chmod, lutimes, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNever, type SafeEntry } from '@baton/shared';

/**
 * Gives unpacked entries their archived modes and modification times, after every entry has been written: a
 * directory's mtime would move again if a child were added later, and modes are set exactly, whatever the
 * process umask. Deepest entries first, so a directory without write or search permission is locked last.
 */
export async function applyEntryMetadata(root: string, entries: readonly SafeEntry[]): Promise<void> {
  const deepestFirst = [...entries].sort((a, b) => depth(b.path) - depth(a.path));
  for (const entry of deepestFirst) {
    const target = join(root, entry.path);
    switch (entry.kind) {
      case 'file':
      case 'directory':
        await chmod(target, entry.mode);
        if (entry.mtime) await utimes(target, entry.mtime, entry.mtime);
        break;
      case 'symlink':
        if (entry.mtime) await lutimes(target, entry.mtime, entry.mtime);
        break;
      case 'hardlink':
        // Shares its inode with the file it links to, whose own entry sets mode and time.
        break;
      default:
        assertNever(entry.kind, 'entry kind');
    }
  }
}

const depth = (path: string): number => path.split('/').length;
