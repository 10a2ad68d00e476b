// The worker of scripts/bench/local-deploy.ts: local deployments back to back in ONE plain Node process running
// the built agent (packages/agent/dist), as `baton-agent local-deploy` does. Plain JavaScript on purpose: a
// TypeScript loader (tsx) in this process would add about 30 MB of its own to the RSS being measured.
// Usage: node --expose-gc --max-semi-space-size=1 local-deploy-worker.mjs DIR DEPLOYMENTS FILES SAMPLE_EVERY
// Prints one JSON line per sample: {deployments, rss, heapUsed, medianMs}.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from 'tar';
import { pino } from 'pino';
import { parseAgentConfig } from '../../packages/agent/dist/config.js';
import { DEFAULT_LOCAL_EVENTS } from '../../packages/agent/dist/local-deploy/local-events.js';
import { runLocalDeployment } from '../../packages/agent/dist/local-deploy/run-local-deployment.js';

const [dir, deployments, files, sampleEvery] = [process.argv[2], ...process.argv.slice(3, 6).map(Number)];
const HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

async function writeBundle() {
  const source = join(dir, 'source');
  for (let at = 0; at < files; at++) {
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
  await create({ gzip: true, file: bundle, cwd: source, portable: true }, ['.']);
  return bundle;
}

async function readRss() {
  const status = await readFile('/proc/self/status', 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
}

const bundle = await writeBundle();
const parsed = parseAgentConfig({ flags: { coordinator: 'http://localhost', root: join(dir, 'root'), filesRoot: join(dir, 'files') }, file: undefined, fileName: 'agent.yml', hostname: 'bench' });
if (!parsed.ok) throw new Error(parsed.error.join('; '));
const logger = pino({ level: 'silent' });
const durations = [];
for (let done = 1; done <= deployments; done++) {
  const started = performance.now();
  const result = await runLocalDeployment({ bundle, bundleType: 'tgz', events: DEFAULT_LOCAL_EVENTS, applicationName: 'bench', groupName: 'bench', config: parsed.value, logger });
  durations.push(performance.now() - started);
  if (!result.succeeded) throw new Error(`local deployment ${done} failed: ${JSON.stringify(result.events.at(-1))}`);
  if (done % sampleEvery === 0) {
    globalThis.gc?.();
    await sleep(200);
    globalThis.gc?.();
    const sorted = [...durations].sort((a, b) => a - b);
    const sample = { deployments: done, rss: await readRss(), heapUsed: process.memoryUsage().heapUsed, medianMs: sorted[Math.floor(sorted.length / 2)] };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  }
}
