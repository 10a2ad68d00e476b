import { describe, expect, it } from 'vitest';
import { formatCredential, parseCredential, secretMatches } from './credentials.js';
import { hashSecret } from './ids.js';

describe('credentials', () => {
  it('round-trips through text', () => {
    const credential = { id: 'h-abcdefghijkl', secret: 'x_Y-z' };
    expect(parseCredential(formatCredential(credential))).toEqual(credential);
  });

  it.each(['', 'no-dot', '.secret', 'id.'])('rejects %j', (text) => {
    expect(parseCredential(text)).toBeUndefined();
  });

  it('matches a secret only against its own hash', () => {
    const stored = hashSecret('right');
    expect(secretMatches('right', stored)).toBe(true);
    expect(secretMatches('wrong', stored)).toBe(false);
    expect(secretMatches('right', 'not-hex')).toBe(false);
  });
});
