/**
 * `npx tsx scripts/bench/rollback.ts` (after `npm run build`; as root, like the end-to-end tests): how fast
 * Baton undoes a deployment, measured on real processes over 127.0.0.1.
 *
 * 1. blue/green: from the rollback decision to 100% of traffic on the old environment, through a real HAProxy
 *    (scripts/bench/blue-green-rollback.ts).
 * 2. in-place: from the failure to every one of 10 hosts back on the old revision, with no bundle downloaded
 *    twice (scripts/bench/in-place-rollback.ts).
 *
 * Options: `--runs N` (default 3), `--hosts N` for the in-place part (default 10), `--only blue-green|in-place`.
 * Exits 1 when a measurement could not be taken; a missed goal shows as NO in the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBlueGreenRollbackBenchmark } from './blue-green-rollback.js';
import { runInPlaceRollbackBenchmark } from './in-place-rollback.js';
import { formatFigures, type Figure } from './report.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, hosts: { type: 'string', default: '10' }, only: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const hosts = Number(values.hosts);
  if (!(Number.isInteger(runs) && runs > 0 && Number.isInteger(hosts) && hosts > 0)) throw new Error('--runs and --hosts must be positive integers');
  if (values.only !== undefined && values.only !== 'blue-green' && values.only !== 'in-place') throw new Error('--only takes blue-green or in-place');

  const workDir = mkdtempSync(join(tmpdir(), 'baton-bench-rollback-'));
  const figures: Figure[] = [];
  try {
    if (values.only !== 'in-place') {
      log('blue/green: 2 + 2 hosts behind HAProxy, rollback during the termination wait');
      figures.push(...(await runBlueGreenRollbackBenchmark({ runs }, log)));
    }
    if (values.only !== 'blue-green') {
      log(`in-place: ${hosts} hosts, all at once, a revision that fails ValidateService everywhere, auto rollback`);
      figures.push(...(await runInPlaceRollbackBenchmark({ hosts, runs, workDir }, log)));
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
