/**
 * A URL as it may be stored and shown: without user info (`user:token@`) or query (presigned URLs carry their
 * signature there). Text that is not a URL (`git@host:owner/repo.git`, a path) is returned as it is.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (url.protocol === 'file:') return text;
  url.username = '';
  url.password = '';
  const redacted = `${url.origin}${url.pathname}`;
  return url.search ? `${redacted}?…` : redacted;
}

/** Removes every secret (and user info in URLs) from a message before it is stored, logged or answered. */
export function redactSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let clean = message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
  for (const secret of secrets) if (secret) clean = clean.replaceAll(secret, '***');
  return clean;
}
