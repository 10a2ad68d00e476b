import { assertNever, err, ok, type Result } from '../result.js';
import type { ArchiveEntry, SafeEntry } from './archive-entry.js';
import { bundleEntryError, quoteEntryName, type BundleError } from './bundle-error.js';
import { resolveLinkTarget } from './resolve-link.js';

/**
 * The safety rules every bundle entry must pass before anything is written, applied alike by the coordinator
 * when a revision is registered and by the agent before it unpacks. Pure: it sees only the listing, and the first
 * problem refuses the whole bundle.
 *
 * Set-user-id and set-group-id bits are stripped, not refused: build trees often carry a set-gid directory
 * (shared group folders), and refusing those bundles would help nobody. No bundle file becomes a set-id program
 * on a host; an appspec `permissions` entry that asks for one explicitly still can.
 */

// C0 controls (NUL and newline among them), DEL and C1 controls: invisible or line-breaking in every log and shell.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const SET_ID_BITS = 0o6000;
// Linux's NAME_MAX and PATH_MAX, in bytes: a longer name cannot be created, so it is refused before anything is.
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 4095;
// A Windows drive prefix is absolute to tools that unpack on Windows, and tar strips it: refuse it everywhere.
const DRIVE_PREFIX = /^[A-Za-z]:/;
const LINK_NOUN = { symlink: 'symlink', hardlink: 'hard link' } as const;

const unsafe = (path: string, reason: string): BundleError => bundleEntryError('UNSAFE_ENTRY', path, reason);
const corrupt = (path: string, reason: string): BundleError => bundleEntryError('CORRUPT_ARCHIVE', path, reason);
const byteLength = (text: string): number => new TextEncoder().encode(text).length;

const isAbsolute = (path: string): boolean => path.startsWith('/') || DRIVE_PREFIX.test(path);
const splitPath = (path: string): string[] => path.split('/').filter((segment) => segment !== '' && segment !== '.');

/** Checks a listed archive. Entries naming the archive root itself (tar's "./") are dropped from the result. */
export function checkBundleEntries(entries: readonly ArchiveEntry[]): Result<SafeEntry[], BundleError> {
  const safe: SafeEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const checked = checkEntry(entry, index);
    if (!checked.ok) return checked;
    if (checked.value) safe.push(checked.value);
  }
  const placed = checkPlacement(safe);
  return placed.ok ? ok(safe) : placed;
}

/** Rules that one entry can be judged by alone: its name, its type, and an absolute link target. */
function checkEntry(entry: ArchiveEntry, index: number): Result<SafeEntry | undefined, BundleError> {
  const { path, kind, linkTarget } = entry;
  if (CONTROL_CHARACTER.test(path)) return err(unsafe(path, 'has a control character in its name'));
  if (linkTarget !== undefined && CONTROL_CHARACTER.test(linkTarget)) {
    return err(unsafe(path, 'has a control character in its link target'));
  }
  if (isAbsolute(path)) return err(unsafe(path, 'escapes the archive (absolute path)'));
  const segments = splitPath(path);
  if (segments.includes('..')) return err(unsafe(path, 'escapes the archive (".." segment)'));
  if (byteLength(path) > MAX_PATH_BYTES || segments.some((segment) => byteLength(segment) > MAX_SEGMENT_BYTES)) {
    return err(unsafe(path, 'has a name longer than the file system allows'));
  }
  switch (kind) {
    case 'file':
    case 'directory':
    case 'symlink':
    case 'hardlink':
      break;
    default:
      return err(unsafe(path, `is not a file, directory or link (${kind})`));
  }
  if (segments.length === 0) return kind === 'directory' ? ok(undefined) : err(corrupt(path, 'names the archive root'));
  if (kind === 'symlink' || kind === 'hardlink') {
    if (!linkTarget) return err(corrupt(path, `is a ${LINK_NOUN[kind]} without a target`));
    if (isAbsolute(linkTarget)) {
      return err(unsafe(path, `escapes the archive (${LINK_NOUN[kind]} to ${quoteEntryName(linkTarget)})`));
    }
  }
  return ok({ ...entry, kind, path: segments.join('/'), mode: entry.mode & ~SET_ID_BITS, index });
}

/**
 * Rules about entries in relation to each other. Because no entry may lie inside a symlink or appear twice, every
 * entry is written exactly where its name says, and only links can point elsewhere: those are resolved here.
 */
function checkPlacement(entries: readonly SafeEntry[]): Result<void, BundleError> {
  const byPath = new Map<string, SafeEntry>();
  for (const entry of entries) {
    const earlier = byPath.get(entry.path);
    if (earlier && (earlier.kind !== 'directory' || entry.kind !== 'directory')) {
      return err(unsafe(entry.path, 'appears more than once'));
    }
    byPath.set(entry.path, entry);
  }
  const symlinks = new Map<string, string>();
  for (const entry of entries) if (entry.kind === 'symlink') symlinks.set(entry.path, entry.linkTarget ?? '');

  for (const entry of entries) {
    const segments = entry.path.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const parent = byPath.get(segments.slice(0, depth).join('/'));
      if (parent?.kind === 'symlink') {
        return err(unsafe(entry.path, `lies inside the symlink ${quoteEntryName(parent.path)}`));
      }
      if (parent && parent.kind !== 'directory') {
        return err(corrupt(entry.path, `lies inside ${quoteEntryName(parent.path)}, which is not a directory`));
      }
    }
    const linked = checkLink(entry, segments.slice(0, -1), byPath, symlinks);
    if (!linked.ok) return linked;
  }
  return ok(undefined);
}

function checkLink(
  entry: SafeEntry,
  directory: readonly string[],
  byPath: ReadonlyMap<string, SafeEntry>,
  symlinks: ReadonlyMap<string, string>,
): Result<void, BundleError> {
  const target = entry.linkTarget ?? '';
  if (entry.kind === 'symlink') {
    const resolution = resolveLinkTarget(directory, target, symlinks);
    switch (resolution) {
      case 'inside':
        return ok(undefined);
      case 'outside':
        return err(
          unsafe(entry.path, `escapes the archive (symlink to ${quoteEntryName(target)} resolves outside the archive root)`),
        );
      case 'loop':
        return err(unsafe(entry.path, 'is a symlink in a loop or in a chain of more than 40 links'));
      default:
        return assertNever(resolution, 'link resolution');
    }
  }
  if (entry.kind === 'hardlink') {
    // A hard link names another entry of the archive, relative to the archive root, never through "..".
    const targetSegments = splitPath(target);
    if (targetSegments.includes('..')) {
      return err(unsafe(entry.path, `escapes the archive (hard link to ${quoteEntryName(target)})`));
    }
    const linked = byPath.get(targetSegments.join('/'));
    if (linked?.kind !== 'file' || linked.index > entry.index) {
      const reason = `is a hard link to ${quoteEntryName(target)}, which is not an earlier file of the archive`;
      return err(corrupt(entry.path, reason));
    }
  }
  return ok(undefined);
}
