/**
 * The dashboard's figure: first paint (Chromium's `first-contentful-paint`) of a deployment's page with 200
 * hosts. A real coordinator, 200 simulated hosts (the fleet benchmark's load generator) and one AllAtOnce
 * deployment to all of them; then headless Chromium signs in and opens the deployment's page several times,
 * each in a fresh tab (after one unmeasured warm-up load), and the median first paint is reported. Every process is stopped whatever happens.
 *
 * Run alone (after `npm run build`): `npx tsx scripts/bench/dashboard.ts [--hosts 200] [--runs 5]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { writeBenchBundle } from './bench-bundle.js';
import { startCoordinator, stopCoordinator } from './coordinator-process.js';
import { deployAndWait, prepareTarget } from './deployments.js';
import { SIM_TAGS } from './fleet-messages.js';
import { FleetProcess } from './fleet-process.js';
import { waitForOnlineHosts } from './hosts.js';
import { formatFigures, formatMs, median, type Figure } from './report.js';

export interface DashboardBenchmarkOptions {
  readonly hosts: number;
  /** Page loads measured; the median is reported. */
  readonly runs: number;
}

const GOAL_MS = 500;
const CHROMIUM = '/usr/bin/chromium';

export async function runDashboardBenchmark(workDir: string, options: DashboardBenchmarkOptions, log: (line: string) => void): Promise<Figure[]> {
  const coordinator = await startCoordinator(join(workDir, 'dashboard-coordinator'));
  let fleet: FleetProcess | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const { api, url } = coordinator;
    fleet = await FleetProcess.start({ url, enrollToken: coordinator.enrollToken, hosts: options.hosts, subsetHosts: options.hosts, timeoutMs: 30_000 });
    await waitForOnlineHosts(api, options.hosts, 30_000);
    const target = await prepareTarget(api, {
      app: 'bench-dashboard',
      group: 'all',
      config: 'CodeDeployDefault.AllAtOnce',
      tags: { fleet: SIM_TAGS.fleet },
      bundleDir: await writeBenchBundle(join(workDir, 'dashboard-bundle'), '/opt/baton-bench'),
    });
    const { deploymentId, status } = await deployAndWait(api, target, 120_000);
    log(`  deployment ${deploymentId} to ${options.hosts} simulated hosts: ${status}`);

    const context = await browser.newContext();
    await signIn(context, url, coordinator.adminToken);
    // One unmeasured load first: the coordinator's first render of a page includes compiling its code.
    await firstPaint(context, `${url}/ui/deployments/${deploymentId}`);
    const paints: number[] = [];
    for (let run = 0; run < options.runs; run++) paints.push(await firstPaint(context, `${url}/ui/deployments/${deploymentId}`));
    log(`  first paints: ${paints.map((ms) => formatMs(ms)).join(', ')}`);
    const paint = median(paints);
    return [
      {
        name: `dashboard: first paint of a deployment page with ${options.hosts} hosts (median of ${options.runs})`,
        measured: formatMs(paint),
        goal: `< ${formatMs(GOAL_MS)}`,
        met: paint < GOAL_MS,
      },
    ];
  } finally {
    await browser.close();
    await fleet?.stop();
    await stopCoordinator(coordinator);
  }
}

async function signIn(context: BrowserContext, url: string, token: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${url}/ui/sign-in`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ui\/deployments$/);
  await page.close();
}

/** The page's first-contentful-paint, from navigation start, as the browser measured it. */
async function firstPaint(context: BrowserContext, pageUrl: string): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(pageUrl);
    const handle = await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    return (await handle.jsonValue()) as number;
  } finally {
    await page.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { hosts: { type: 'string', default: '200' }, runs: { type: 'string', default: '5' } } });
  const workDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  runDashboardBenchmark(workDir, { hosts: Number(values.hosts), runs: Number(values.runs) }, log)
    .then((figures) => log(`\n${formatFigures(figures)}`))
    .catch((error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => rmSync(workDir, { recursive: true, force: true }));
}
