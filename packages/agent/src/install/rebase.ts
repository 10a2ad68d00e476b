import path from 'node:path';

/**
 * Resolves `appSpecPath` as if `root` were `/`: `resolveUnder('/tmp/r', '/srv/app')` is `/tmp/r/srv/app`, and
 * `..` never climbs above `root`. Serves bundle sources (root = bundle root) and the development-only
 * `--files-root DIR` (root = DIR); an undefined root is the real `/`.
 */
export function resolveUnder(root: string | undefined, appSpecPath: string): string {
  const absolute = path.resolve('/', appSpecPath);
  return root === undefined ? absolute : path.resolve(root, `.${absolute}`);
}
