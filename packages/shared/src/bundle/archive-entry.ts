/**
 * What a bundle archive holds, as the format readers of both the coordinator (which inspects a bundle before any
 * host sees it) and the agent (which unpacks it) list it: one vocabulary, so both judge a bundle by the same rules.
 */

/** What a member of an archive is; anything but the first four is refused. */
export type EntryKind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character device'
  | 'block device'
  | 'FIFO'
  | 'socket'
  | 'unsupported entry type';

/** One archive member as a format reader saw it, before any safety check. */
export interface ArchiveEntry {
  /** The name as stored in the archive (tar: after pax/GNU long-name headers; zip: decoded, `\` read as `/`). */
  readonly path: string;
  readonly kind: EntryKind;
  /** Symlink: the target as stored. Hard link: the archive path of the entry it links to. */
  readonly linkTarget?: string | undefined;
  /** Bytes the entry unpacks to (0 for directories and links). */
  readonly size: number;
  /** Permission bits as stored, including set-id and sticky bits (mask 0o7777). */
  readonly mode: number;
  readonly mtime?: Date | undefined;
}

/**
 * An entry that passed every check: its path is normalized ("a/b", no "." or empty segments, never the root) and
 * its mode has no set-user-id or set-group-id bit (see entry-rules.ts).
 */
export interface SafeEntry extends ArchiveEntry {
  readonly kind: 'file' | 'directory' | 'symlink' | 'hardlink';
  /** Position of the entry in the reader's list, so a reader can find its own record of it. */
  readonly index: number;
}
