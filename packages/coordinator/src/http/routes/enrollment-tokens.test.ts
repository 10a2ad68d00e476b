import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { CreatedEnrollmentTokenView } from '../views.js';

const tokens = '/api/v1/enrollment-tokens';

describe('enrollment token routes', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  it('creates a token valid for 24 hours by default, or for the ttl asked', async () => {
    const response = await t.api(tokens, { method: 'POST' });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toEqual({ id: expect.stringMatching(/^et-/), token: expect.stringMatching(/^et-\w+\./), expiresAt: '2030-01-02T00:00:00.000Z' });
    const short = await readJson<CreatedEnrollmentTokenView>(await t.api(tokens, { method: 'POST', json: { ttlSeconds: 60 } }));
    expect(short.expiresAt).toBe('2030-01-01T00:01:00.000Z');
  });

  it('lists tokens with their state and never their secrets', async () => {
    const created = await readJson<CreatedEnrollmentTokenView>(await t.api(tokens, { method: 'POST', json: { ttlSeconds: 60 } }));
    t.now = new Date('2030-01-01T00:02:00.000Z');
    const text = await (await t.api(tokens)).text();
    expect(text).not.toContain(created.token.split('.')[1]);
    expect(JSON.parse(text)).toEqual([
      { id: created.id, state: 'expired', expiresAt: created.expiresAt, revokedAt: null, createdAt: '2030-01-01T00:00:00.000Z' },
    ]);
  });

  it('revokes a token, idempotently', async () => {
    const created = await readJson<CreatedEnrollmentTokenView>(await t.api(tokens, { method: 'POST' }));
    const revoked = await t.api(`${tokens}/${created.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: created.id, state: 'revoked', revokedAt: t.now.toISOString() });
    expect((await t.api(`${tokens}/${created.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('answers 404 for revoking an unknown token and 400 for a bad ttl', async () => {
    expect((await t.api(`${tokens}/et-nope`, { method: 'DELETE' })).status).toBe(404);
    for (const ttlSeconds of [0, -1, 1.5, '60']) {
      const response = await t.api(tokens, { method: 'POST', json: { ttlSeconds } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^ttlSeconds: /) });
    }
  });
});
