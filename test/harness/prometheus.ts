/**
 * A real Prometheus (Debian's package, see scripts/install-test-deps.sh) on a free loopback port with its own
 * temp storage, scraping every 500 ms a tiny node:http `/metrics` endpoint whose gauges the test sets. The
 * start waits, within bounds, until Prometheus is ready and has scraped the endpoint once.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from './ports.js';
import { eventually, startProcess } from './processes.js';

export const SCRAPE_INTERVAL_MS = 500;

export interface RunningPrometheus {
  /** The server's base URL, e.g. `http://127.0.0.1:41234`, as an alarm names it. */
  readonly url: string;
  /** Sets a gauge the endpoint exports from now on (Prometheus sees it at its next scrape). */
  setGauge(name: string, value: number): void;
  /** Resolves once Prometheus answers `query` with `value` (the value has been scraped). */
  waitForValue(query: string, value: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(gauges: Readonly<Record<string, number>>): Promise<RunningPrometheus> {
  const values = new Map(Object.entries(gauges));
  const exporter = createServer((_request, response) => {
    const lines = [...values].flatMap(([name, value]) => [`# TYPE ${name} gauge`, `${name} ${value}`]);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  exporter.listen(0, '127.0.0.1');
  await once(exporter, 'listening');
  const exporterPort = (exporter.address() as AddressInfo).port;

  const dir = mkdtempSync(join(tmpdir(), 'baton-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${SCRAPE_INTERVAL_MS}ms`,
      `  evaluation_interval: ${SCRAPE_INTERVAL_MS}ms`,
      'scrape_configs:',
      '  - job_name: baton-test',
      `    scrape_timeout: ${SCRAPE_INTERVAL_MS}ms`,
      `    static_configs: [{targets: ['127.0.0.1:${exporterPort}']}]`,
      '',
    ].join('\n'),
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const prometheus = startProcess('prometheus', 'prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const stop = async () => {
    await prometheus.kill();
    exporter.closeAllConnections();
    await new Promise((resolve) => exporter.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };

  const waitForValue = async (query: string, value: number, timeoutMs = 15_000) => {
    await eventually(
      `prometheus to answer ${query} = ${value}`,
      async () => {
        if (!prometheus.running) throw new Error(`prometheus exited:\n${prometheus.output}`);
        const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
        const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
        return body.data?.result?.some((series) => Number(series.value[1]) === value) ? true : undefined;
      },
      timeoutMs,
    );
  };

  try {
    await waitForValue('up{job="baton-test"}', 1, 20_000);
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not scrape the test endpoint:\n${prometheus.output}`, { cause: error });
  }
  return { url, setGauge: (name, value) => values.set(name, value), waitForValue, stop };
}
