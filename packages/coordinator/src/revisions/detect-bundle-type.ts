import { err, ok, type BundleType, type Result } from '@baton/shared';

/** Bytes enough to recognise every bundle type (a tar header's magic sits at offset 257). */
export const SNIFF_BYTES = 512;

/**
 * The bundle type the first bytes show: zip and gzip by their signatures, tar by the `ustar` magic (a gzip
 * stream is taken for tgz: bundles are archives). Undefined when the bytes show none of them.
 */
export function detectBundleType(head: Uint8Array): BundleType | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06)) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tgz';
  if (Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** The bundle type a file name suggests (`.zip`, `.tar`, `.tgz`, `.tar.gz`), if any. */
export function bundleTypeFromName(name: string): BundleType | undefined {
  if (/\.(tgz|tar\.gz)$/i.test(name)) return 'tgz';
  if (/\.tar$/i.test(name)) return 'tar';
  if (/\.zip$/i.test(name)) return 'zip';
  return undefined;
}

/**
 * The type to unpack a bundle as: the one declared, else the one its name suggests, else the one its bytes show.
 * Bytes that show another type than the chosen one are refused: unpacking them would fail on every host.
 */
export function chooseBundleType(hints: {
  declared?: BundleType | undefined;
  name?: string | undefined;
  sniffed: BundleType | undefined;
}): Result<BundleType, string> {
  const chosen = hints.declared ?? (hints.name === undefined ? undefined : bundleTypeFromName(hints.name)) ?? hints.sniffed;
  if (chosen === undefined) return err('the bytes are not a zip, tar or gzip archive, and no bundle type was given');
  if (hints.sniffed !== undefined && hints.sniffed !== chosen) {
    return err(`the bundle was taken for ${chosen}, but its bytes are a ${hints.sniffed} archive (give the right bundle type)`);
  }
  return ok(chosen);
}
