import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthStatus, WatchHealth } from '@baton/shared/protocol';
import { HealthWatcher } from './health-watcher.js';

describe('HealthWatcher', () => {
  let server: Server;
  let url: string;
  let healthy: boolean;
  let probes: number;
  let reports: HealthStatus[];
  let connected: boolean;
  let watcher: HealthWatcher;

  beforeEach(async () => {
    healthy = true;
    probes = 0;
    reports = [];
    connected = true;
    server = createServer((_request, response) => {
      probes += 1;
      response.writeHead(healthy ? 200 : 500).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    watcher = new HealthWatcher({
      report: (status) => connected && reports.push(status) > 0,
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    watcher.stopAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const watchFor = (deploymentId: string, ms: number, unhealthyAfter = 3): WatchHealth => ({
    type: 'watch-health',
    deploymentId,
    checks: [{ type: 'http', url, expectStatus: 200, interval: 50, timeout: 500, unhealthyAfter }],
    until: new Date(Date.now() + ms).toISOString(),
  });

  const waitUntil = async (what: string, condition: () => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  };

  it('reports a host unhealthy once, after unhealthyAfter consecutive failures', async () => {
    watcher.watch(watchFor('d-1', 10_000));
    await waitUntil('a few healthy probes', () => probes >= 3);
    expect(reports).toEqual([]);
    healthy = false;
    await waitUntil('the report', () => reports.length > 0);
    expect(reports).toEqual([
      { type: 'health-status', deploymentId: 'd-1', healthy: false, message: expect.stringMatching(/failed 3 time\(s\) in a row: .*answered 500/) },
    ]);
    const probesAtReport = probes;
    await sleep(300);
    expect(reports).toHaveLength(1);
    expect(probes).toBe(probesAtReport);
  });

  it('needs the failures in a row: a success in between starts the count again', async () => {
    watcher.watch(watchFor('d-1', 10_000, 2));
    for (let round = 0; round < 3; round++) {
      healthy = false;
      const before = probes;
      await waitUntil('a failing probe', () => probes > before);
      healthy = true;
      const failed = probes;
      await waitUntil('a healthy probe', () => probes > failed);
    }
    expect(reports).toEqual([]);
  });

  it('tries an unsent verdict again while the check keeps failing', async () => {
    connected = false;
    healthy = false;
    watcher.watch(watchFor('d-1', 10_000, 1));
    await waitUntil('several failing probes', () => probes >= 3);
    expect(reports).toEqual([]);
    connected = true;
    await waitUntil('the report', () => reports.length === 1);
  });

  it('treats a repeat as a renewal and ends the watch at until, or at once for an until in the past', async () => {
    watcher.watch(watchFor('d-1', 1000));
    watcher.watch(watchFor('d-1', 1000));
    const before = probes;
    await sleep(500);
    // One loop probes at most every 50 ms (about 10 in 500 ms); a second loop would double that.
    expect(probes - before).toBeLessThanOrEqual(12);
    const renewedAt = Date.now();
    watcher.watch(watchFor('d-1', 600));
    expect(watcher.watching()).toEqual(['d-1']);
    await sleep(300);
    expect(watcher.watching()).toEqual(['d-1']);
    await waitUntil('the watch to end', () => watcher.watching().length === 0, 2000);
    expect(Date.now() - renewedAt).toBeGreaterThanOrEqual(550);
    const afterEnd = probes;
    await sleep(200);
    expect(probes).toBe(afterEnd);

    watcher.watch(watchFor('d-2', 10_000));
    watcher.watch(watchFor('d-2', -1));
    expect(watcher.watching()).toEqual([]);
  });
});
