import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHaproxy, type RunningHaproxy } from '../../../../test/harness/haproxy.js';
import { sleep } from '../../../../test/harness/processes.js';
import { createTrafficRouter } from './create-router.js';
import type { HaproxyRouterSpec } from './haproxy-router.js';
import type { TrafficRouter } from './traffic-router.js';

// Hosts web1–web3 run behind HAProxy servers s1–s3; each answers with its host name, after `?delay=<ms>`.
const HOSTS = { web1: 's1', web2: 's2', web3: 's3' } as const;
type Host = keyof typeof HOSTS;

let webServers: Server[] = [];
let ports: Record<string, number> = {};
let haproxy: RunningHaproxy;
let spec: HaproxyRouterSpec;
let router: TrafficRouter;

beforeAll(async () => {
  for (const [hostName, server] of Object.entries(HOSTS)) {
    const web = createServer((req, res) => {
      const delayMs = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => res.end(hostName), delayMs);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webServers.push(web);
    ports[server] = (web.address() as AddressInfo).port;
  }
});

afterAll(async () => {
  await Promise.all(webServers.map((web) => new Promise((resolve) => web.close(resolve))));
  webServers = [];
  ports = {};
});

beforeEach(async () => {
  haproxy = await startHaproxy({ servers: ports });
  spec = { type: 'haproxy', adminSocket: haproxy.adminSocket, backend: haproxy.backend, canaryBackend: haproxy.canaryBackend, servers: { ...HOSTS } };
  router = createTrafficRouter(spec);
});

afterEach(async () => {
  await haproxy.stop();
});

/** One request on its own connection; resolves with the answering host, rejects on anything but a 200. */
function get(path = '/', headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${haproxy.url}${path}`, { agent: false, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** How many of `count` sequential requests each host answered. */
async function tally(count: number, headers: Record<string, string> = {}): Promise<Record<Host, number>> {
  const counts: Record<Host, number> = { web1: 0, web2: 0, web3: 0 };
  for (let i = 0; i < count; i++) counts[(await get('/', headers)) as Host] += 1;
  return counts;
}

describe('HaproxyRouter against a real HAProxy', () => {
  it('block drains a host while the others serve, and allow brings it back', async () => {
    expect(await tally(30)).toEqual({ web1: 10, web2: 10, web3: 10 });

    await router.block('web1');
    await router.block('web1');
    const blocked = await tally(30);
    expect(blocked.web1).toBe(0);
    expect(blocked.web2 + blocked.web3).toBe(30);
    expect(blocked.web2).toBeGreaterThan(0);
    expect(blocked.web3).toBeGreaterThan(0);

    await router.allow('web1');
    await router.allow('web1');
    expect(await tally(30)).toEqual({ web1: 10, web2: 10, web3: 10 });
  });

  it('splits traffic by weight: a 10% host answers 10% ± 2% of 1,000 requests', async () => {
    await router.setWeights({ web1: 10, web2: 90 });

    const counts = await tally(1_000);
    expect(counts.web1).toBeGreaterThanOrEqual(80);
    expect(counts.web1).toBeLessThanOrEqual(120);
    expect(counts.web3).toBe(0);
    expect(counts.web1 + counts.web2).toBe(1_000);

    await router.restoreWeights();
    expect(await tally(30)).toEqual({ web1: 10, web2: 10, web3: 10 });
  });

  it('routes every matched request to the chosen hosts, and only them, until the rule is turned off', async () => {
    await router.routeMatchedTo(['web2']);
    expect(await tally(50, { 'X-Canary': '1' })).toEqual({ web1: 0, web2: 50, web3: 0 });
    expect(await tally(30)).toEqual({ web1: 10, web2: 10, web3: 10 });

    await router.routeMatchedTo(['web1', 'web3']);
    expect(await tally(20, { 'X-Canary': '1' })).toEqual({ web1: 10, web2: 0, web3: 10 });

    await router.routeMatchedTo([]);
    expect(await tally(30, { 'X-Canary': '1' })).toEqual({ web1: 10, web2: 10, web3: 10 });
  });

  it('switches all traffic from one host to another under a steady stream with zero failed requests', async () => {
    await router.setWeights({ web1: 100 });
    await router.block('web3');
    const answers: { host: string; startedAt: number }[] = [];
    const failures: unknown[] = [];
    let switchedAt = Number.POSITIVE_INFINITY;
    const streamEndsAt = Date.now() + 5_000;
    let stopped = false;

    // Four clients in parallel; requests take 15 ms so some are always in flight on web1 when it drains.
    const client = async () => {
      for (let i = 0; i < 400 && !stopped && Date.now() < streamEndsAt; i++) {
        const startedAt = Date.now();
        try {
          answers.push({ host: await get('/?delay=15'), startedAt });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = Promise.all([client(), client(), client(), client()]);
    await sleep(300);
    await router.setWeights({ web2: 100 });
    await router.block('web1');
    switchedAt = Date.now();
    await sleep(300);
    stopped = true;
    await clients;

    expect(failures).toEqual([]);
    const before = answers.filter((answer) => answer.startedAt < switchedAt);
    const after = answers.filter((answer) => answer.startedAt > switchedAt);
    expect(before.some((answer) => answer.host === 'web1')).toBe(true);
    expect(after.length).toBeGreaterThan(20);
    expect(after.every((answer) => answer.host === 'web2')).toBe(true);
  });

  it('describes each mapped host: state, weight and whether matched requests reach it', async () => {
    expect(await router.describe()).toEqual([
      { hostName: 'web1', server: 's1', state: 'ready', weight: 1, matched: false },
      { hostName: 'web2', server: 's2', state: 'ready', weight: 1, matched: false },
      { hostName: 'web3', server: 's3', state: 'ready', weight: 1, matched: false },
    ]);

    await router.setWeights({ web2: 25, web3: 75 });
    await router.block('web1');
    await router.routeMatchedTo(['web3']);
    expect(await router.describe()).toEqual([
      { hostName: 'web1', server: 's1', state: 'drain', weight: 0, matched: false },
      { hostName: 'web2', server: 's2', state: 'ready', weight: 1, matched: false },
      { hostName: 'web3', server: 's3', state: 'ready', weight: 3, matched: true },
    ]);
  });

  it('names the host, backend and server in its errors', async () => {
    await expect(router.block('web9')).rejects.toThrow('host "web9" has no server in the traffic router of backend "app" (mapped hosts: web1, web2, web3)');
    await expect(router.setWeights({ web9: 100 })).rejects.toThrow(/host "web9"/);

    const ghost = createTrafficRouter({ ...spec, servers: { ghost: 's9' } });
    await expect(ghost.block('ghost')).rejects.toThrow(/refused to set app\/s9 to drain: No such server/);
    await expect(ghost.describe()).rejects.toThrow('HAProxy backend "app" has no server "s9" (mapped from host "ghost")');

    const wrongBackend = createTrafficRouter({ ...spec, backend: 'nope' });
    await expect(wrongBackend.describe()).rejects.toThrow(/could not show the servers of backend "nope": Can't find backend/);
    await expect(wrongBackend.allow('web1')).rejects.toThrow(/set the weight of nope\/s1 to 100%: No such backend/);

    const { canaryBackend: _, ...withoutCanary } = spec;
    await expect(createTrafficRouter(withoutCanary).routeMatchedTo(['web1'])).rejects.toThrow(/backend "app" has no canaryBackend/);
  });

  it('fails clearly when the admin socket is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-traffic-'));
    try {
      const adminSocket = join(dir, 'missing.sock');
      const unreachable = createTrafficRouter({ ...spec, adminSocket });
      await expect(unreachable.block('web1')).rejects.toThrow(`HAProxy runtime API at ${adminSocket} failed on "set server app/s1 state drain": connect ENOENT`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
