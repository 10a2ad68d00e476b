/** Linux gives up after 40 symlinks in one lookup (MAXSYMLINKS); so do we. */
const MAX_HOPS = 40;

export type LinkResolution = 'inside' | 'outside' | 'loop';

/**
 * Resolves a symlink target the way the kernel will once the archive is unpacked, following the archive's own
 * symlinks component by component. Checking each target lexically is not enough: with `b -> .` and `a -> b/..`,
 * `a` looks like it stays at the root, yet it resolves to the root's parent.
 *
 * Pure: the archive root is the only thing on disk a link can reach without leaving, because the unpacked tree
 * holds nothing but the archive's entries.
 *
 * @param fromDir  segments of the directory the link lives in (the link's own directory for a symlink)
 * @param target   the link target as stored; absolute targets are outside by definition
 * @param symlinks every symlink of the archive: normalized path -> stored target
 */
export function resolveLinkTarget(
  fromDir: readonly string[],
  target: string,
  symlinks: ReadonlyMap<string, string>,
): LinkResolution {
  if (target.startsWith('/')) return 'outside';
  const resolved = [...fromDir];
  const pending = target.split('/');
  let hops = 0;
  for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (resolved.length === 0) return 'outside';
      resolved.pop();
      continue;
    }
    resolved.push(segment);
    const linked = symlinks.get(resolved.join('/'));
    if (linked === undefined) continue;
    hops += 1;
    if (hops > MAX_HOPS) return 'loop';
    if (linked.startsWith('/')) return 'outside';
    resolved.pop();
    pending.unshift(...linked.split('/'));
  }
  return 'inside';
}
