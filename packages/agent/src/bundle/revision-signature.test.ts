import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { revisionSigningPayload } from '@baton/shared/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRevisionSignatures, keyIdOf, loadTrustedKeys, type TrustedKey } from './revision-signature.js';

const digest = 'd'.repeat(64);
const pair = () => generateKeyPairSync('ed25519');
const signWith = (key: ReturnType<typeof pair>, sha256 = digest) => ({
  keyId: keyIdOf(key.publicKey),
  signature: sign(null, Buffer.from(revisionSigningPayload(sha256)), key.privateKey).toString('base64'),
});
const pem = (key: ReturnType<typeof pair>) => key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('revision signatures on the agent', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const trust = async (...entries: string[]): Promise<TrustedKey[]> => {
    const loaded = await loadTrustedKeys(entries);
    if (!loaded.ok) throw new Error(loaded.error);
    return loaded.value;
  };

  it('accepts a revision signed by a trusted key, from a file or inline', async () => {
    const ops = pair();
    const other = pair();
    writeFileSync(join(dir, 'ops.pem'), pem(ops));
    const trusted = await trust(join(dir, 'ops.pem'), pem(other));
    expect(checkRevisionSignatures(digest, [signWith(ops)], trusted)).toEqual({ ok: true, value: keyIdOf(ops.publicKey) });
    expect(checkRevisionSignatures(digest, [signWith(pair()), signWith(other)], trusted)).toEqual({ ok: true, value: keyIdOf(other.publicKey) });
  });

  it('refuses unsigned, untrusted and tampered revisions, saying why', async () => {
    const ops = pair();
    const trusted = await trust(pem(ops));
    expect(checkRevisionSignatures(digest, undefined, trusted)).toEqual({ ok: false, error: expect.stringMatching(/is not signed, and this agent accepts only/) });
    expect(checkRevisionSignatures(digest, [signWith(pair())], trusted)).toEqual({ ok: false, error: expect.stringMatching(/^no valid signature by a trusted key/) });
    // A signature of other bytes, or a signature relabelled with the trusted key's id.
    expect(checkRevisionSignatures(digest, [signWith(ops, 'e'.repeat(64))], trusted).ok).toBe(false);
    expect(checkRevisionSignatures(digest, [{ ...signWith(pair()), keyId: keyIdOf(ops.publicKey) }], trusted).ok).toBe(false);
  });

  it('refuses keys it cannot use', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await loadTrustedKeys([join(dir, 'missing.pem')])).toEqual({ ok: false, error: expect.stringMatching(/cannot be read: ENOENT$/) });
    expect(await loadTrustedKeys([rsa])).toEqual({ ok: false, error: 'trusted key (inline) is not an ed25519 key' });
    expect(await loadTrustedKeys(['-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'])).toEqual({ ok: false, error: 'trusted key (inline) is not a PEM public key' });
  });
});
