import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../../../test/harness/ports.js';
import { eventually, startProcess, type RunningProcess } from '../../../../test/harness/processes.js';
import { parseServerConfig } from '../config.js';
import { deploymentService } from '../runner/deployment-service.js';
import { startServer, type RunningServer } from '../server.js';
import { enrollHost, setHostOnline } from '../store/hosts.js';
import { sampleValue } from './prometheus-text.test-support.js';

const TOKEN = 'a-token-for-prometheus';

describe('GET /metrics on the coordinator', () => {
  const dirs: string[] = [];
  let server: RunningServer | undefined;
  let prometheus: RunningProcess | undefined;

  afterEach(async () => {
    await prometheus?.kill();
    await server?.close();
    prometheus = server = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (metricsToken?: string) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-metrics-'));
    dirs.push(dataDir);
    const config = parseServerConfig({ dataDir, listen: '127.0.0.1:0', ...(metricsToken ? { metricsToken } : {}) });
    if (!config.ok) throw new Error(config.error);
    server = await startServer(config.value, { logger: pino({ level: 'silent' }), print: () => undefined, services: [deploymentService] });
    return server;
  };

  it('serves the metrics without an API token by default', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sampleValue(text, 'baton_hosts_connected')).toBe(0);
    expect(sampleValue(text, 'baton_deployments_total', { status: 'Failed' })).toBe(0);
    expect(text).toContain('# TYPE baton_lifecycle_event_duration_seconds histogram');
  });

  it('wants the bearer token when one is configured', async () => {
    const { url } = await start(TOKEN);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-it' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('is scraped by a real Prometheus, with the token', async () => {
    const running = await start(TOKEN);
    const { host } = enrollHost(running.db, { name: 'web-1', tags: {} }, new Date());
    setHostOnline(running.db, host.id, true, new Date());

    const dir = mkdtempSync(join(tmpdir(), 'baton-prometheus-'));
    dirs.push(dir);
    const target = new URL(running.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 500ms, evaluation_interval: 500ms}',
        'scrape_configs:',
        `  - {job_name: baton, scrape_timeout: 500ms, authorization: {credentials: ${TOKEN}}, static_configs: [{targets: ['${target}']}]}`,
        '',
      ].join('\n'),
    );
    const port = await freeLoopbackPort();
    prometheus = startProcess('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const value = await eventually(
      'prometheus to have scraped baton_hosts_connected',
      async () => {
        if (!prometheus!.running) throw new Error(`prometheus exited:\n${prometheus!.output}`);
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=baton_hosts_connected`).catch(() => undefined);
        const body = (await response?.json()) as { data?: { result?: { value: [number, string] }[] } } | undefined;
        return body?.data?.result?.[0]?.value[1];
      },
      20_000,
    );
    expect(Number(value)).toBe(1);
  });
});
