import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentPaths, type EnrollResponse } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AuditEntryView } from '../http/routes/audit.js';
import type { RunningServer } from '../server.js';
import { startTempServer, type TempServer } from '../testing/temp-server.test-support.js';

/**
 * Every authentication and authorization refusal (API, agent and dashboard sign-in), over real HTTP and
 * WebSocket against a running coordinator: the status, the `{code, message}`, and the audit entry it leaves
 * (without the secret that was tried). A stale session cookie is no credential: it leads to the sign-in page and is not audited.
 */
describe('refused credentials', () => {
  let dataDir: string;
  let server: RunningServer;
  let adminToken: string;
  let now = new Date('2025-01-01T00:00:00Z');
  const secretsTried: string[] = [];

  let temp: TempServer | undefined;

  beforeAll(async () => {
    temp = await startTempServer({ clock: () => now });
    ({ server, dataDir, adminToken } = temp);
  });
  afterAll(() => temp?.close());

  const request = (path: string, init: { token?: string; method?: string; json?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  const admin = async <T>(path: string, json?: unknown, method?: string): Promise<T> => {
    const response = await request(path, { token: adminToken, json, method });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const newestAudit = async (): Promise<AuditEntryView> => (await admin<AuditEntryView[]>('/api/v1/audit?limit=1'))[0]!;
  const enroll = (token: string, name: string) => request(AgentPaths.enroll, { json: { token, name } });
  const withSecretOf = (credential: string, id: string): string => `${id}.${credential.split('.')[1]}`;

  it('refuses a request without a token with 401 and records it with the address and no actor', async () => {
    const response = await request('/api/v1/applications');

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
    expect(await newestAudit()).toEqual({
      seq: expect.any(Number),
      at: now.toISOString(),
      action: 'GET /api/v1/applications',
      source: { channel: 'api', address: expect.stringMatching(/127\.0\.0\.1$/) },
      status: 401,
    });
  });

  it('refuses a wrong token with 401 and records the id it claimed, never its secret', async () => {
    const adminId = adminToken.split('.')[0]!;
    const wrong = `${adminId}.not-the-secret-${'x'.repeat(20)}`;
    secretsTried.push(wrong.split('.')[1]!);

    const response = await request('/api/v1/applications', { token: wrong, json: { name: 'shop' } });

    expect(response.status).toBe(401);
    expect(await newestAudit()).toMatchObject({ action: 'POST /api/v1/applications', status: 401, detail: { claimedId: adminId } });
    expect((await newestAudit()).actor).toBeUndefined();
  });

  it('refuses an expired token and a revoked one with 401', async () => {
    const expiring = await admin<{ id: string; token: string }>('/api/v1/tokens', { name: 'short', role: 'deployer', ttlSeconds: 60 });
    const revoked = await admin<{ id: string; token: string }>('/api/v1/tokens', { name: 'gone', role: 'deployer' });
    expect((await request('/api/v1/applications', { token: expiring.token })).status).toBe(200);
    await admin(`/api/v1/tokens/${revoked.id}`, undefined, 'DELETE');

    now = new Date(now.getTime() + 61_000);
    const expired = await request('/api/v1/applications', { token: expiring.token });
    expect(expired.status).toBe(401);
    expect(await newestAudit()).toMatchObject({ status: 401, detail: { claimedId: expiring.id } });
    expect((await request('/api/v1/applications', { token: revoked.token })).status).toBe(401);
    expect(await newestAudit()).toMatchObject({ status: 401, detail: { claimedId: revoked.id } });
    secretsTried.push(expiring.token.split('.')[1]!, revoked.token.split('.')[1]!);
  });

  it('refuses a viewer attempting a deployment with 403 and records who tried', async () => {
    const viewer = await admin<{ id: string; token: string }>('/api/v1/tokens', { name: 'watcher', role: 'viewer' });

    const response = await request('/api/v1/deployments', { token: viewer.token, json: { applicationName: 'shop', deploymentGroupName: 'web' } });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining("lacks the 'deploy' permission") });
    expect(await newestAudit()).toMatchObject({ actor: { tokenId: viewer.id, name: 'watcher' }, action: 'POST /deployments', status: 403 });
  });

  it('refuses an enrollment token reused after it expired with 401, recorded on the agent channel', async () => {
    const enrollment = await admin<{ id: string; token: string }>('/api/v1/enrollment-tokens', { ttlSeconds: 60 });
    expect((await enroll(enrollment.token, 'early')).status).toBe(201);

    now = new Date(now.getTime() + 61_000);
    const late = await enroll(enrollment.token, 'late');

    expect(late.status).toBe(401);
    expect(await late.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'the enrollment token is unknown, expired or revoked' });
    expect(await newestAudit()).toMatchObject({
      action: `POST ${AgentPaths.enroll}`,
      source: { channel: 'agent' },
      status: 401,
      detail: { claimedId: enrollment.id },
    });
    secretsTried.push(enrollment.token.split('.')[1]!);
  });

  describe("a host's credential used for another host", () => {
    let first: EnrollResponse;
    let second: EnrollResponse;
    beforeAll(async () => {
      const enrollment = await admin<{ token: string }>('/api/v1/enrollment-tokens', {});
      first = (await (await enroll(enrollment.token, 'web-1')).json()) as EnrollResponse;
      second = (await (await enroll(enrollment.token, 'web-2')).json()) as EnrollResponse;
    });

    /** The HTTP status of a WebSocket upgrade, or 101 and the welcome's host id when it was accepted. */
    const upgrade = (credential: string): Promise<{ status: number; hostId?: string }> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}${AgentPaths.connect}`, { headers: { authorization: `Bearer ${credential}` } });
        socket.on('unexpected-response', (_, response) => {
          resolve({ status: response.statusCode ?? 0 });
          socket.terminate();
        });
        socket.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { type: string; hostId?: string };
          if (frame.type !== 'welcome') return;
          resolve({ status: 101, hostId: frame.hostId });
          socket.close();
        });
        socket.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
      });

    it('connects as its own host only', async () => {
      expect(await upgrade(first.credential)).toEqual({ status: 101, hostId: first.hostId });
    });

    it("refuses the WebSocket upgrade with one host's secret under another's id, and records it", async () => {
      const borrowed = withSecretOf(first.credential, second.hostId);
      secretsTried.push(first.credential.split('.')[1]!);

      expect(await upgrade(borrowed)).toEqual({ status: 401 });
      expect(await newestAudit()).toMatchObject({
        action: `GET ${AgentPaths.connect}`,
        source: { channel: 'agent', address: expect.stringMatching(/127\.0\.0\.1$/) },
        status: 401,
        detail: { claimedId: second.hostId },
      });
    });

    it('refuses the bundle download with it, and records it', async () => {
      const response = await request(AgentPaths.revision('0'.repeat(64)), { token: withSecretOf(first.credential, second.hostId) });

      expect(response.status).toBe(401);
      expect(await newestAudit()).toMatchObject({ source: { channel: 'agent' }, status: 401, detail: { claimedId: second.hostId } });
    });
  });

  describe('a dashboard sign-in', () => {
    const audit = (): Promise<AuditEntryView[]> => admin<AuditEntryView[]>('/api/v1/audit?limit=1000');
    const signIn = (token: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/ui/sign-in`, { method: 'POST', body: new URLSearchParams({ token, next: '/ui/deployments' }), headers, redirect: 'manual' });
    const newToken = (ttlSeconds?: number) =>
      admin<{ id: string; token: string }>('/api/v1/tokens', { name: 'ops', role: 'viewer', ...(ttlSeconds ? { ttlSeconds } : {}) });

    it('records an unknown token with the id it claimed, the address and no actor', async () => {
      const response = await signIn('tok-nobody.the-secret-tried', { 'x-forwarded-for': '203.0.113.9' });
      secretsTried.push('the-secret-tried');

      expect(response.status).toBe(401);
      expect(await response.text()).toContain('That token is not valid');
      expect((await audit())[0]).toEqual({
        seq: expect.any(Number),
        at: now.toISOString(),
        action: 'POST /ui/sign-in',
        source: { channel: 'dashboard', address: expect.stringMatching(/127\.0\.0\.1$/), forwardedFor: '203.0.113.9' },
        status: 401,
        detail: { claimedId: 'tok-nobody' },
      });
    });

    it('records a revoked token and an expired one', async () => {
      const revoked = await newToken();
      await admin(`/api/v1/tokens/${revoked.id}`, undefined, 'DELETE');
      const expiring = await newToken(60);
      now = new Date(now.getTime() + 60_000);
      secretsTried.push(revoked.token.split('.')[1]!, expiring.token.split('.')[1]!);

      expect((await signIn(revoked.token)).status).toBe(401);
      expect((await signIn(expiring.token)).status).toBe(401);

      const [expired, wasRevoked] = await audit();
      expect(expired).toMatchObject({ action: 'POST /ui/sign-in', source: { channel: 'dashboard' }, status: 401, detail: { claimedId: expiring.id } });
      expect(wasRevoked).toMatchObject({ action: 'POST /ui/sign-in', status: 401, detail: { claimedId: revoked.id } });
      expect(expired!.actor).toBeUndefined();
    });

    it('records an empty or malformed token without a claimed id', async () => {
      expect((await signIn('')).status).toBe(401);
      const [entry] = await audit();
      expect(entry).toMatchObject({ action: 'POST /ui/sign-in', status: 401 });
      expect(entry!.detail).toBeUndefined();
    });

    it('sends a stale session cookie to the sign-in page without an audit entry', async () => {
      const before = (await audit()).length;
      const signedIn = await signIn(adminToken);
      expect(signedIn.status).toBe(303);
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;

      const forged = await fetch(`${server.url}/ui/deployments`, { headers: { cookie: 'baton_session=forged' }, redirect: 'manual' });
      now = new Date(now.getTime() + 13 * 3_600_000);
      const expired = await fetch(`${server.url}/ui/deployments`, { headers: { cookie }, redirect: 'manual' });

      expect([forged.status, expired.status]).toEqual([303, 303]);
      expect(expired.headers.get('location')).toBe('/ui/sign-in?next=%2Fui%2Fdeployments');
      expect((await audit()).length).toBe(before);
    });
  });

  it('keeps every secret tried out of the audit log and the database file', async () => {
    const audit = JSON.stringify(await admin<AuditEntryView[]>('/api/v1/audit?limit=1000'));
    const database = readFileSync(join(dataDir, 'baton.db')).toString('latin1');

    expect(secretsTried.length).toBeGreaterThanOrEqual(5);
    for (const secret of secretsTried) {
      expect(audit).not.toContain(secret);
      expect(database).not.toContain(secret);
    }
  });
});
