/**
 * The load generator, run by the benchmark as its own process so that its CPU and memory are not the
 * coordinator's. Enrolls `hosts` simulated hosts with one enrollment token, connects them all (SimAgent) and
 * reports `ready` over IPC; answers `stats`; exits on `stop` or when the parent goes away.
 * Usage: node --import tsx scripts/bench/sim-fleet.ts '<FleetSpec JSON>'
 */
import { AgentPaths, EnrollResponse } from '@baton/shared/protocol';
import { mapBounded } from './concurrency.js';
import { SIM_TAGS, type FleetSpec, type FleetToParent, type ParentToFleet } from './fleet-messages.js';
import { SimAgent, type SimAgentCounters } from './sim-agent.js';

const ENROLL_CONCURRENCY = 16;
const CONNECT_CONCURRENCY = 64;

const send = (message: FleetToParent): void => {
  process.send?.(message);
};

async function enroll(spec: FleetSpec, index: number): Promise<EnrollResponse> {
  const response = await fetch(`${spec.url}${AgentPaths.enroll}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: spec.enrollToken,
      name: `sim-${String(index).padStart(4, '0')}`,
      tags: { fleet: SIM_TAGS.fleet, subset: index < spec.subsetHosts ? SIM_TAGS.subset : 'no' },
    }),
    signal: AbortSignal.timeout(spec.timeoutMs),
  });
  if (!response.ok) throw new Error(`enrollment refused: HTTP ${response.status} ${await response.text()}`);
  return EnrollResponse.parse(await response.json());
}

async function main(spec: FleetSpec): Promise<void> {
  const counters: SimAgentCounters = { answered: 0, dropped: 0 };
  const connectUrl = `${spec.url.replace(/^http/, 'ws')}${AgentPaths.connect}`;

  const enrollStart = performance.now();
  const identities = await mapBounded(spec.hosts, ENROLL_CONCURRENCY, (index) => enroll(spec, index));
  const enrollMs = performance.now() - enrollStart;

  const connectStart = performance.now();
  const agents = identities.map(({ credential }) => new SimAgent(connectUrl, credential, counters));
  await mapBounded(agents.length, CONNECT_CONCURRENCY, (index) => agents[index]!.connect(spec.timeoutMs));
  send({ type: 'ready', enrollMs, connectMs: performance.now() - connectStart });

  const stop = (): void => {
    for (const agent of agents) agent.close();
    process.disconnect?.();
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ParentToFleet) => {
    if (message.type === 'stop') return stop();
    const { user, system } = process.cpuUsage();
    send({ type: 'stats', ...counters, cpuMs: (user + system) / 1000 });
  });
}

main(JSON.parse(process.argv[2] ?? '{}') as FleetSpec).catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
