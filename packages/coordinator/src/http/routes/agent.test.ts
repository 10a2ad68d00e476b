import { AgentPaths, type EnrollResponse } from '@baton/shared';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../store/audit-log.js';
import { enrollHost, getHost } from '../../store/hosts.js';
import { registerRevision } from '../../store/revisions.js';
import { createDeploymentTestApp, type DeploymentTestApp } from '../../testing/deployment-test-app.test-support.js';
import { userDeployment } from '../../testing/deployment-fixture.test-support.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';

const facts = { hostname: 'web-1', platform: 'linux', os: 'Debian', arch: 'x64', release: '12' };

describe('agent routes', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  const newToken = async (ttlSeconds = 3600): Promise<{ id: string; token: string }> =>
    readJson(await t.api('/api/v1/enrollment-tokens', { method: 'POST', json: { ttlSeconds } }));
  const enroll = (body: unknown) =>
    t.app.request(AgentPaths.enroll, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  describe('enroll', () => {
    it('enrolls hosts with a reusable token and returns each its own credential', async () => {
      const { token } = await newToken();
      const first = await enroll({ token, name: 'web-1', tags: { env: 'prod' }, facts });
      expect(first.status).toBe(201);
      const enrolled = await readJson<EnrollResponse>(first);
      expect(enrolled).toEqual({ hostId: expect.stringMatching(/^h-/), credential: expect.stringMatching(/^h-\w+\./) });
      expect(getHost(t.db, enrolled.hostId)).toMatchObject({ name: 'web-1', tags: { env: 'prod' }, facts });

      const second = await enroll({ token, name: 'web-2' });
      expect(second.status).toBe(201);
      expect((await readJson<EnrollResponse>(second)).hostId).not.toBe(enrolled.hostId);
    });

    it('refuses an unknown, expired or revoked token with 401', async () => {
      expect((await enroll({ token: 'et-nope.secret', name: 'web-1' })).status).toBe(401);

      const expiring = await newToken(60);
      t.now = new Date(t.now.getTime() + 60_000);
      const expired = await enroll({ token: expiring.token, name: 'web-1' });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'the enrollment token is unknown, expired or revoked' });

      const revoked = await newToken();
      await t.api(`/api/v1/enrollment-tokens/${revoked.id}`, { method: 'DELETE' });
      expect((await enroll({ token: revoked.token, name: 'web-1' })).status).toBe(401);
    });

    it('refuses a malformed request with 400', async () => {
      const { token } = await newToken();
      expect(await (await enroll({ token })).json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^name: /) });
      const badJson = await t.app.request(AgentPaths.enroll, { method: 'POST', body: '{"token":' });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toMatchObject({ code: 'INVALID_JSON' });
    });
  });
});

/**
 * Downloads over a real runner: a host may fetch the revision of a deployment that includes it (as the run-event
 * it received names it), and nothing else.
 */
describe('revision download', () => {
  const content = Buffer.from('0123456789');
  let d: DeploymentTestApp;
  let sha256: string;
  /** The credential of the host the deployment's first run-event went to. */
  let member: string;
  /** Enrolled, connected, but in no group. */
  let outsider: { id: string; credential: string };
  beforeEach(async () => {
    d = createDeploymentTestApp();
    const stored = await d.t.blobs.putStream(Readable.from([content]));
    if (!stored.ok) throw new Error('setup failed');
    const { revision } = registerRevision(
      d.t.db,
      { applicationId: d.web.application.id, sha256: stored.value.sha256, size: content.length, bundleType: 'tgz', source: { type: 'upload' } },
      d.t.now,
    );
    const { host, credential } = enrollHost(d.t.db, { name: 'staging-1', tags: { env: 'staging' } }, d.t.now);
    outsider = { id: host.id, credential };
    d.fleet.connect(host.id);
    expect(d.runner.create({ ...userDeployment(d.web), revisionId: revision.id }).ok).toBe(true);
    const [first] = d.fleet.pending();
    sha256 = first!.command.deployment.revision.sha256;
    member = credentialOf(first!.hostId);
  });
  afterEach(() => d.t.cleanup());

  const credentialOf = (hostId: string): string => d.web.hosts.find(({ id }) => id === hostId)!.credential;
  const download = (path: string, credential: string, headers: Record<string, string> = {}) =>
    d.t.app.request(path, { headers: { authorization: `Bearer ${credential}`, ...headers } });
  const newestAudit = () => listAuditEntries(d.t.db, { limit: 1 })[0];

  it('streams the whole bundle named by a run-event to the host that received it', async () => {
    const response = await download(AgentPaths.revision(sha256), member);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('10');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(await response.text()).toBe('0123456789');
  });

  it('resumes from an offset with 206', async () => {
    const response = await download(AgentPaths.revision(sha256), member, { range: 'bytes=4-' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 4-9/10');
    expect(response.headers.get('content-length')).toBe('6');
    expect(await response.text()).toBe('456789');
  });

  it('answers 416 for a range past the end', async () => {
    const response = await download(AgentPaths.revision(sha256), member, { range: 'bytes=10-' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */10');
    expect(await response.json()).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
  });

  it('refuses the bundle to a host in no deployment of it with 403, and records the refusal', async () => {
    const response = await download(AgentPaths.revision(sha256), outsider.credential, { range: 'bytes=4-' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      code: 'FORBIDDEN',
      message: 'this host may download only the revisions of deployments that include it',
    });
    expect(newestAudit()).toEqual({
      seq: expect.any(Number),
      at: d.t.now.toISOString(),
      action: `GET ${AgentPaths.revision(sha256)}`,
      source: { channel: 'agent' },
      status: 403,
      detail: { hostId: outsider.id },
    });
    expect(JSON.stringify(newestAudit())).not.toContain(outsider.credential.split('.')[1]);
  });

  it('answers a stored bundle and a missing one alike to a host they are not for', async () => {
    const stranger = await download(AgentPaths.revision('0'.repeat(64)), outsider.credential);
    const stored = await download(AgentPaths.revision(sha256), outsider.credential);

    expect([stranger.status, stored.status]).toEqual([403, 403]);
    expect(await stranger.json()).toEqual(await stored.json());
  });

  it('answers 404 when a revision of the host has no stored bundle, or the path is not a digest', async () => {
    d.fleet.answerAll();
    expect(d.runner.create(userDeployment(d.web, 1)).ok).toBe(true);
    const [next] = d.fleet.pending();
    const missing = next!.command.deployment.revision.sha256;

    expect(missing).toBe(d.web.revisions[1]!.sha256);
    expect((await download(AgentPaths.revision(missing), credentialOf(next!.hostId))).status).toBe(404);
    expect((await download(AgentPaths.revision('not-a-digest'), member)).status).toBe(404);
  });

  it("lets a host that joins the group fetch the group's last successful revision it is sent", async () => {
    d.fleet.answerAll();
    const { host, credential } = enrollHost(d.t.db, { name: 'web-9', tags: { env: 'prod' } }, d.t.now);
    expect((await download(AgentPaths.revision(sha256), credential)).status).toBe(403);

    d.fleet.connect(host.id);

    expect(d.fleet.pending(host.id)[0]?.command.deployment).toMatchObject({ creator: 'autoUpdate', revision: { sha256 } });
    expect((await download(AgentPaths.revision(sha256), credential)).status).toBe(200);
  });

  it('refuses a request without a valid host credential with 401', async () => {
    expect((await d.t.app.request(AgentPaths.revision(sha256))).status).toBe(401);
    expect((await download(AgentPaths.revision(sha256), `${member}x`)).status).toBe(401);
    expect((await download(AgentPaths.revision(sha256), d.t.adminToken)).status).toBe(401);
  });
});
