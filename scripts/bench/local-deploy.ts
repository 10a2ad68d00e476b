/**
 * `npx tsx scripts/bench/local-deploy.ts [deployments]` (after `npm run build`): the agent's memory.
 *
 * 1. Idle: a real coordinator and one real agent daemon (`baton-agent run`, through its bin as a service runs it);
 *    RSS after it has connected and settled (its upkeep's next-run helper process has come and gone).
 * 2. Local deployments: one process running the agent's local deployments back to back (the built executor, as
 *    `baton-agent local-deploy` runs it) of a tgz bundle of 2,000 files with the five in-place hooks; RSS and heap
 *    after full collections every 10 deployments. Goal: under 60 MB and flat (growth from the 10th to the last
 *    under 2 MB).
 *
 * The worker is local-deploy-worker.mjs, plain JavaScript so that no TypeScript loader weighs on its RSS, run with
 * the Node flags `baton-agent` runs with (its bin's shebang, the systemd unit): without `--lite-mode` the same
 * deployments take about 95 MB. The bundle is written here, before the worker starts: making it is no part of a
 * local deployment.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createTar } from 'tar';
import { AGENT_NODE_FLAGS } from '../../packages/agent/src/upgrade/launcher.js';
import { sleep } from '../../test/harness/processes.js';
import { AgentProcess } from './agent-process.js';
import { startCoordinator, stopCoordinator } from './coordinator-process.js';
import { waitForOnlineHosts } from './hosts.js';
import { formatFigures, formatMb, formatMs, type Figure } from './report.js';

const GOALS = { rssBytes: 60 * 1048576, growthBytes: 2 * 1048576 };
const FILES = 2_000;
const SAMPLE_EVERY = 10;
const HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

interface Sample {
  readonly deployments: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly medianMs: number;
}

async function main(): Promise<void> {
  const deployments = Number(process.argv[2] ?? 100);
  const workDir = await mkdtemp(join(tmpdir(), 'baton-bench-local-'));
  try {
    const idle = await measureIdleAgent(workDir);
    console.log(`agent idle: RSS ${formatMb(idle)}`);
    const bundle = await writeBundle(join(workDir, 'bundle'));
    const samples = await runWorker(join(workDir, 'local'), bundle, deployments, (sample) =>
      console.log(`after ${sample.deployments} local deployments: RSS ${formatMb(sample.rss)}, heap ${formatMb(sample.heapUsed)}`),
    );
    const [warm, last] = [samples[0], samples.at(-1)];
    if (warm === undefined || last === undefined) throw new Error(`${deployments} deployments are too few to sample`);
    const figures: Figure[] = [
      { name: 'agent RSS, idle (connected daemon)', measured: formatMb(idle), goal: `< ${formatMb(GOALS.rssBytes)}`, met: idle < GOALS.rssBytes },
      {
        name: `RSS after ${last.deployments} local deployments of ${FILES} files`,
        measured: formatMb(last.rss),
        goal: `< ${formatMb(GOALS.rssBytes)}`,
        met: last.rss < GOALS.rssBytes,
      },
      {
        name: `  growth from deployment ${warm.deployments} to ${last.deployments}`,
        measured: formatMb(last.rss - warm.rss),
        goal: `< ${formatMb(GOALS.growthBytes)}`,
        met: last.rss - warm.rss < GOALS.growthBytes,
      },
      { name: '  heap growth over the same', measured: formatMb(last.heapUsed - warm.heapUsed), goal: '' },
      { name: '  one local deployment (median)', measured: formatMs(last.medianMs), goal: '' },
    ];
    console.log(`\n${formatFigures(figures)}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function measureIdleAgent(workDir: string): Promise<number> {
  const coordinator = await startCoordinator(join(workDir, 'coordinator'));
  const agent = AgentProcess.start({
    url: coordinator.url,
    enrollToken: coordinator.enrollToken,
    root: join(workDir, 'agent'),
    filesRoot: join(workDir, 'files'),
    tags: 'bench=local',
  });
  try {
    await waitForOnlineHosts(coordinator.api, 1, 20_000);
    await sleep(3_000);
    return (await agent.memoryReport()).rss;
  } finally {
    await agent.stop();
    await stopCoordinator(coordinator);
  }
}

/** A tgz of FILES small files under app/ and a hook script that succeeds, with an appspec running it at every hook. */
async function writeBundle(dir: string): Promise<string> {
  const source = join(dir, 'source');
  for (let at = 0; at < FILES; at++) {
    const sub = join(source, 'app', `d${at % 20}`);
    if (at < 20) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${at}.txt`), `file ${at}\n`.repeat(20));
  }
  await mkdir(join(source, 'scripts'), { recursive: true });
  await writeFile(join(source, 'scripts', 'true.sh'), '#!/bin/sh\ntrue\n', { mode: 0o755 });
  const appspec = ['version: 0.0', 'os: linux', 'files:', '  - source: app', '    destination: /srv/bench', 'hooks:'];
  for (const hook of HOOKS) appspec.push(`  ${hook}:`, '    - location: scripts/true.sh');
  await writeFile(join(source, 'appspec.yml'), `${appspec.join('\n')}\n`);
  const bundle = join(dir, 'bundle.tgz');
  await createTar({ gzip: true, file: bundle, cwd: source, portable: true }, ['.']);
  return bundle;
}

function runWorker(dir: string, bundle: string, deployments: number, onSample: (sample: Sample) => void): Promise<Sample[]> {
  const worker = fileURLToPath(new URL('./local-deploy-worker.mjs', import.meta.url));
  const args = ['--expose-gc', ...AGENT_NODE_FLAGS, worker, dir, bundle, String(deployments), String(SAMPLE_EVERY)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const samples: Sample[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((text) => text.startsWith('{'))) {
      const sample = JSON.parse(line) as Sample;
      samples.push(sample);
      onSample(sample);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(samples) : reject(new Error(`the local-deploy worker exited with ${code}`))));
  });
}

await main();
