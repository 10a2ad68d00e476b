import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrollHost, recordHostHello, setHostOnline } from '../../store/hosts.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';

const facts = { hostname: 'web-1', platform: 'linux', os: 'Debian', arch: 'x64', release: '12' };

describe('hosts routes', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  it('lists hosts and gets one by id', async () => {
    const { host } = enrollHost(t.db, { name: 'web-1', tags: { env: 'prod' } }, t.now);
    enrollHost(t.db, { name: 'web-2', tags: {} }, t.now);
    recordHostHello(t.db, host.id, facts, '0.1.0', t.now);
    setHostOnline(t.db, host.id, true, t.now);

    const web1 = {
      hostId: host.id,
      name: 'web-1',
      tags: { env: 'prod' },
      online: true,
      agentVersion: '0.1.0',
      lastSeenAt: t.now.toISOString(),
      facts,
    };
    const list = await (await t.api('/api/v1/hosts')).json();
    expect(list).toEqual([
      web1,
      { hostId: expect.any(String), name: 'web-2', tags: {}, online: false, agentVersion: null, lastSeenAt: null, facts: null },
    ]);
    expect(await (await t.api(`/api/v1/hosts/${host.id}`)).json()).toEqual(web1);
  });

  it('answers 404 for an unknown host', async () => {
    const response = await t.api('/api/v1/hosts/h-nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: "host 'h-nope' not found" });
  });
});
