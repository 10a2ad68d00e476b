/**
 * Part 3: live log latency. A real coordinator and ONE real agent; a bundle whose ApplicationStart prints a line
 * with the time it is written (`date +%s%N`, nanoseconds) every 100 ms. `baton logs --follow` runs as a child
 * process, and each line's latency is the time its bytes reach the follower's stdout minus the time in it: the
 * whole path script → agent → WebSocket → SQLite → HTTP stream → CLI. Same machine, same clock.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BATON } from './coordinator-process.js';
import { prepareTarget } from './deployments.js';
import { withOneAgent } from './one-agent.js';
import { formatMs, median, type Figure } from './report.js';

export interface LogLatencyOptions {
  /** Timestamped lines the hook prints. */
  readonly lines: number;
  readonly timeoutMs: number;
}

const GOAL_MS = 200;
/** Before its first line the hook waits this long, so that the follower is surely listening. */
const HOOK_LEAD_SECONDS = 3;

export async function runLogLatencyBenchmark(workDir: string, options: LogLatencyOptions, log: (line: string) => void): Promise<Figure[]> {
  return withOneAgent(workDir, 'logs', log, async (coordinator) => {
    const { api } = coordinator;
    const bundleDir = await writeTickingBundle(join(workDir, 'logs-bundle'), options.lines);
    const target = await prepareTarget(api, { app: 'bench-logs', group: 'one', config: 'CodeDeployDefault.AllAtOnce', tags: { fleet: 'logs' }, bundleDir });
    const { deploymentId } = await api.post<{ deploymentId: string }>('/api/v1/deployments', {
      applicationName: target.app,
      deploymentGroupName: target.group,
      revisionId: target.revisionId,
    });
    const latencies = await followTicks(coordinator, deploymentId, options.timeoutMs);
    if (latencies.length < options.lines) throw new Error(`the follower saw ${latencies.length} of ${options.lines} lines`);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    const middle = median(latencies);
    log(`  ${latencies.length} lines: median ${formatMs(middle)}, p95 ${formatMs(p95)}, max ${formatMs(sorted.at(-1)!)}`);
    return [
      { name: `echo → baton logs --follow, median of ${latencies.length} lines`, measured: formatMs(middle), goal: `< ${GOAL_MS} ms`, met: middle < GOAL_MS },
      { name: 'echo → baton logs --follow, p95', measured: formatMs(p95), goal: `< ${GOAL_MS} ms`, met: p95 < GOAL_MS },
    ];
  });
}

/** Runs `baton logs --follow` to its end (the deployment's); returns each tick line's latency in ms. */
function followTicks(coordinator: { url: string; adminToken: string }, deploymentId: string, timeoutMs: number): Promise<number[]> {
  const child = spawn(process.execPath, [BATON, 'logs', deploymentId, '--follow', '--color', 'never', '--event', 'ApplicationStart'], {
    env: { ...process.env, BATON_URL: coordinator.url, BATON_TOKEN: coordinator.adminToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const latencies: number[] = [];
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  // readline hands lines over in the same turn their chunk arrives: the clock is read when the bytes are in.
  createInterface({ input: child.stdout }).on('line', (line) => {
    const nowNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    const written = /\[stdout\] tick (\d+)$/.exec(line)?.[1];
    if (written !== undefined) latencies.push(Number(nowNs - BigInt(written)) / 1e6);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`baton logs --follow did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(latencies);
      else reject(new Error(`baton logs --follow exited ${code}: ${errors}`));
    });
  });
}

/** A bundle whose ApplicationStart prints `tick <ns since the epoch>` `lines` times, 100 ms apart. */
async function writeTickingBundle(dir: string, lines: number): Promise<string> {
  await mkdir(join(dir, 'app'), { recursive: true });
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await writeFile(join(dir, 'app', 'version.txt'), 'logs\n');
  const script = ['#!/bin/sh', `sleep ${HOOK_LEAD_SECONDS}`, `i=0; while [ $i -lt ${lines} ]; do echo "tick $(date +%s%N)"; i=$((i + 1)); sleep 0.1; done`, ''];
  await writeFile(join(dir, 'scripts', 'ticks.sh'), script.join('\n'));
  await chmod(join(dir, 'scripts', 'ticks.sh'), 0o755);
  const appspec = ['version: 0.0', 'os: linux', 'files:', '  - source: app', '    destination: /opt/baton-bench-logs', 'hooks:', '  ApplicationStart:', '    - location: scripts/ticks.sh', '      timeout: 300', ''];
  await writeFile(join(dir, 'appspec.yml'), appspec.join('\n'));
  return dir;
}
