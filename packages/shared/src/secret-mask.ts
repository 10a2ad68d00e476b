/** What a secret value is replaced with wherever it would be shown: logs, diagnostics, API answers. */
export const SECRET_MASK = '****';

/**
 * A function that replaces every occurrence of the given secret values in a text with `****`.
 *
 * Logs are kept line by line, so a multi-line secret (a PEM key, a JSON document) never appears whole on one
 * line: each of its lines is masked on its own as well. Lines that are empty or only whitespace are left out,
 * or every blank line of a log would be masked. One pass over the text with the longest values tried first, so
 * a value that contains another is masked whole and a mask is never masked again.
 */
export function createSecretMasker(secrets: Iterable<string>): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    for (const part of [secret, ...secret.split(/\r?\n/)]) {
      if (part.trim() !== '') needles.add(part);
    }
  }
  if (needles.size === 0) return (text) => text;
  const pattern = new RegExp(
    [...needles].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, SECRET_MASK);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
