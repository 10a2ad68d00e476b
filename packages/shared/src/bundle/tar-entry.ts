import type { ArchiveEntry, EntryKind } from './archive-entry.js';

/** A tar header as the `tar` package's parser reads it (a `ReadEntry` fits). */
export interface TarHeaderFields {
  /** `File`, `Directory`, `SymbolicLink`, `Link`, ... */
  readonly type: string;
  /** After pax and GNU long-name headers. */
  readonly path: string;
  readonly linkpath?: string | undefined;
  readonly size?: number | undefined;
  readonly mode?: number | undefined;
  readonly mtime?: Date | undefined;
}

const KIND_BY_TAR_TYPE: Readonly<Record<string, EntryKind>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

/** Reads a tar header as an archive entry; a type not named above (GNU sparse files, ...) is `unsupported entry type`. */
export function toTarEntry(header: TarHeaderFields): ArchiveEntry {
  const kind = KIND_BY_TAR_TYPE[header.type] ?? 'unsupported entry type';
  return {
    path: header.path,
    kind,
    linkTarget: kind === 'symlink' || kind === 'hardlink' ? (header.linkpath ?? '') : undefined,
    size: kind === 'file' ? (header.size ?? 0) : 0,
    mode: (header.mode ?? (kind === 'directory' ? 0o755 : 0o644)) & 0o7777,
    mtime: header.mtime,
  };
}
