// The worker of scripts/bench/local-deploy.ts: local deployments back to back in ONE plain Node process running
// the built agent (packages/agent/dist), as `baton-agent local-deploy` does, started with the agent's Node flags.
// Plain JavaScript on purpose: a TypeScript loader (tsx) in this process would add about 30 MB of its own to the
// RSS being measured. The bundle is made beforehand by the parent: making it is no part of a local deployment.
// Usage: node --expose-gc <agent flags> local-deploy-worker.mjs DIR BUNDLE DEPLOYMENTS SAMPLE_EVERY
// Prints one JSON line per sample: {deployments, rss, heapUsed, medianMs}.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { parseAgentConfig } from '../../packages/agent/dist/config.js';
import { DEFAULT_LOCAL_EVENTS } from '../../packages/agent/dist/local-deploy/local-events.js';
import { runLocalDeployment } from '../../packages/agent/dist/local-deploy/run-local-deployment.js';

const [dir, bundle] = process.argv.slice(2, 4);
const [deployments, sampleEvery] = process.argv.slice(4, 6).map(Number);

async function readRss() {
  const status = await readFile('/proc/self/status', 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
}

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
