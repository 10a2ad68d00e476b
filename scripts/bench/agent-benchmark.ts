/**
 * Part 2: one real agent. A real coordinator and ONE real agent process; a trivial bundle whose appspec names
 * the nine scriptable hooks, each running `true` (without a traffic router only the five in-place hooks run).
 * Measures `baton deploy --wait` from spawn to exit, and the agent's memory idle and over many deployments.
 */
import { join } from 'node:path';
import { runCommand, sleep } from '../../test/harness/processes.js';
import type { AgentMemory } from './agent-process.js';
import { writeBenchBundle } from './bench-bundle.js';
import { BATON } from './coordinator-process.js';
import { deployAndWait, prepareTarget } from './deployments.js';
import { withOneAgent } from './one-agent.js';
import { formatMb, formatMs, median, type Figure } from './report.js';

export interface AgentBenchmarkOptions {
  /** Deployments made with the CLI, timed from spawn to exit. */
  readonly cliRuns: number;
  /** Deployments in all (CLI ones included) before the last memory reading. */
  readonly deployments: number;
  readonly deploymentTimeoutMs: number;
}

const GOALS = { deployMs: 1_000, rssBytes: 60 * 1048576, growthBytes: 2 * 1048576 };
/** The first memory reading of the growth check: by then every lazily loaded module is in. */
const WARM_DEPLOYMENTS = 10;
const SETTLE_MS = 1_000;

export async function runAgentBenchmark(workDir: string, options: AgentBenchmarkOptions, log: (line: string) => void): Promise<Figure[]> {
  return withOneAgent(workDir, 'bench', log, async (coordinator, agent) => {
    const { api } = coordinator;
    await sleep(3 * SETTLE_MS);
    const idle = await agent.memoryReport();
    log(`  agent idle: ${describeMemory(idle)}`);

    const bundleDir = await writeBenchBundle(join(workDir, 'agent-bundle'), '/opt/baton-bench');
    const target = await prepareTarget(api, { app: 'bench-agent', group: 'one', config: 'CodeDeployDefault.AllAtOnce', tags: { fleet: 'bench' }, bundleDir });
    log('  the appspec names all nine scriptable hooks; without a traffic router only the five in-place hooks run');

    const cliStartMs = await timeCli(coordinator, ['--help'], options.deploymentTimeoutMs);
    const deployArgs = ['deploy', target.app, target.group, '--bundle', bundleDir, '--wait'];
    const cliRuns: number[] = [];
    for (let run = 0; run < options.cliRuns; run++) {
      cliRuns.push(await timeCli(coordinator, deployArgs, options.deploymentTimeoutMs));
      log(`  baton deploy --wait, run ${run + 1}: ${formatMs(cliRuns[run]!)}`);
    }

    const samples: { deployments: number; memory: AgentMemory }[] = [];
    for (let done = options.cliRuns; done < options.deployments; ) {
      const finished = await deployAndWait(api, target, options.deploymentTimeoutMs);
      if (finished.status !== 'Succeeded') throw new Error(`deployment ${finished.deploymentId} ended ${finished.status}`);
      done += 1;
      if (done >= WARM_DEPLOYMENTS && done % WARM_DEPLOYMENTS === 0) {
        await sleep(SETTLE_MS);
        samples.push({ deployments: done, memory: await agent.memoryReport() });
        log(`  agent after ${done} deployments: ${describeMemory(samples.at(-1)!.memory)}`);
      }
    }
    const [warm, last] = [samples[0], samples.at(-1)];
    if (warm === undefined || last === undefined) throw new Error(`${options.deployments} deployments are too few for the growth check`);
    const deployMs = median(cliRuns);
    const rssGrowth = last.memory.rss - warm.memory.rss;
    const heapGrowth = last.memory.heapUsed - warm.memory.heapUsed;
    return [
      {
        name: `baton deploy --wait, 1 agent, 5 hooks (median of ${cliRuns.length})`,
        measured: formatMs(deployMs),
        goal: `< ${formatMs(GOALS.deployMs)}`,
        met: deployMs < GOALS.deployMs,
      },
      { name: '  of which CLI start-up (baton --help)', measured: formatMs(cliStartMs), goal: '' },
      { name: 'agent RSS, idle', measured: formatMb(idle.rss), goal: `< ${formatMb(GOALS.rssBytes)}`, met: idle.rss < GOALS.rssBytes },
      { name: 'agent V8 heap used / total, idle', measured: `${formatMb(idle.heapUsed)} / ${formatMb(idle.heapTotal)}`, goal: '' },
      {
        name: `agent RSS after ${last.deployments} deployments`,
        measured: formatMb(last.memory.rss),
        goal: `< ${formatMb(GOALS.rssBytes)}`,
        met: last.memory.rss < GOALS.rssBytes,
      },
      {
        name: `agent RSS growth, deployment ${warm.deployments} to ${last.deployments}`,
        measured: `${formatSigned(rssGrowth)} (heap used ${formatSigned(heapGrowth)})`,
        goal: `not growing (< ${formatMb(GOALS.growthBytes)})`,
        met: rssGrowth < GOALS.growthBytes,
      },
    ];
  });
}

/** Spawns the `baton` CLI and times it to its exit; a non-zero exit is a failure. */
async function timeCli(coordinator: { url: string; adminToken: string }, args: string[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  const result = await runCommand(process.execPath, [BATON, ...args], { BATON_URL: coordinator.url, BATON_TOKEN: coordinator.adminToken }, timeoutMs);
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`baton ${args.join(' ')} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

const describeMemory = (memory: AgentMemory): string =>
  `RSS ${formatMb(memory.rss)}, V8 heap ${formatMb(memory.heapUsed)} used of ${formatMb(memory.heapTotal)}`;

const formatSigned = (bytes: number): string => `${bytes < 0 ? '-' : '+'}${formatMb(Math.abs(bytes))}`;
