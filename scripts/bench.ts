/**
 * `npm run bench` (after `npm run build`): Baton's performance figures, measured on real processes over
 * 127.0.0.1 and printed as a table of figure / measured / goal. Performance is measured here only, never in
 * timed tests.
 *
 * 1. fleet: the coordinator under 1,000 simulated hosts (scripts/bench/fleet-benchmark.ts).
 * 2. agent: one real agent; `baton deploy --wait` latency and the agent's memory (scripts/bench/agent-benchmark.ts).
 * 3. logs: one real agent; from a hook's `echo` to the line printed by `baton logs --follow` (scripts/bench/log-latency.ts).
 * 4. dashboard: first paint of a 200-host deployment's page in headless Chromium (scripts/bench/dashboard.ts).
 *
 * Options (after `npm run bench --`): `--hosts N` and `--serial-hosts N` scale the fleet down; `--only fleet|agent|logs|dashboard`.
 * Every process it starts is stopped and its temporary directory removed, whatever happens. Exits 1 when a
 * measurement could not be taken; a missed goal shows as NO in the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAgentBenchmark } from './bench/agent-benchmark.js';
import { runDashboardBenchmark } from './bench/dashboard.js';
import { runFleetBenchmark } from './bench/fleet-benchmark.js';
import { runLogLatencyBenchmark } from './bench/log-latency.js';
import { formatFigures, type Figure } from './bench/report.js';

const PARTS = ['fleet', 'agent', 'logs', 'dashboard'] as const;
type Part = (typeof PARTS)[number];
const isPart = (name: string): name is Part => (PARTS as readonly string[]).includes(name);

interface BenchOptions {
  readonly hosts: number;
  readonly serialHosts: number;
  readonly parts: ReadonlySet<Part>;
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);

function parseOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '1000' },
      'serial-hosts': { type: 'string', default: '200' },
      only: { type: 'string' },
    },
  });
  const hosts = Number(values.hosts);
  const serialHosts = Number(values['serial-hosts']);
  if (!(Number.isInteger(hosts) && hosts > 0 && Number.isInteger(serialHosts) && serialHosts > 0 && serialHosts <= hosts)) {
    throw new Error('--hosts and --serial-hosts must be positive integers, --serial-hosts at most --hosts');
  }
  if (values.only === undefined) return { hosts, serialHosts, parts: new Set(PARTS) };
  if (!isPart(values.only)) throw new Error(`--only takes one of ${PARTS.join(', ')}`);
  return { hosts, serialHosts, parts: new Set([values.only]) };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const workDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const figures: Figure[] = [];
  try {
    if (options.parts.has('fleet')) {
      log('fleet: the coordinator under simulated hosts that answer every event at once');
      const fleetOptions = { hosts: options.hosts, oneAtATimeHosts: options.serialHosts, allAtOnceRuns: 3, deploymentTimeoutMs: 120_000 };
      figures.push(...(await runFleetBenchmark(workDir, fleetOptions, log)));
    }
    if (options.parts.has('agent')) {
      log('agent: one real agent process');
      figures.push(...(await runAgentBenchmark(workDir, { cliRuns: 5, deployments: 50, deploymentTimeoutMs: 60_000 }, log)));
    }
    if (options.parts.has('logs')) {
      log('logs: one real agent; hook output followed live');
      figures.push(...(await runLogLatencyBenchmark(workDir, { lines: 100, timeoutMs: 120_000 }, log)));
    }
    if (options.parts.has('dashboard')) {
      log('dashboard: headless Chromium opening a deployment of 200 simulated hosts');
      figures.push(...(await runDashboardBenchmark(workDir, { hosts: 200, runs: 5 }, log)));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  log('');
  log(formatFigures(figures));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
