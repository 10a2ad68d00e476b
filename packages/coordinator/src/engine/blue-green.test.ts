import { describe, expect, it } from 'vitest';
import { resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { drive, startAndDrive, startInput, type StartOptions } from './fixtures.test-support.js';
import { step } from './step.js';
import type { Command, HostCandidate, StartInput } from './types.js';

/** Blue/green (reference section 2) over two environments chosen by the `env` tag. */

const config = (name: string): DeploymentConfig => {
  const resolved = resolveDeploymentConfig(name);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
};

const environments = (): HostCandidate[] =>
  ['blue', 'blue', 'green', 'green'].map((env, i) => ({
    hostId: `h${i + 1}`,
    name: `${env}${(i % 2) + 1}`,
    tags: { env },
    online: true,
    revision: 'old' as const,
  }));

function blueGreen(extra: Record<string, unknown> = {}, options: Partial<StartOptions> & Partial<Pick<StartInput, 'liveEnvironment' | 'reroute'>> = {}): StartInput {
  const { liveEnvironment, reroute, ...start } = options;
  return {
    ...startInput(config('AllAtOnce'), environments(), {
      strategy: { type: 'blueGreen', blueGreen: { environmentTag: 'env', terminationWait: '5m', ...extra } },
      withTrafficRouter: true,
      ...start,
    }),
    ...(liveEnvironment ? { liveEnvironment } : {}),
    ...(reroute ? { reroute } : {}),
  };
}

const splits = (commands: readonly Command[]) =>
  commands.flatMap((c) => (c.type === 'SET_TRAFFIC_SPLIT' ? [c.shares?.map((s) => `${s.hostId}:${s.percent}`).join(' ') ?? 'restore'] : []));
const routes = (commands: readonly Command[]) => commands.flatMap((c) => (c.type === 'ROUTE_TRAFFIC' ? [`${c.action} ${c.hostId}`] : []));

describe('blue/green', () => {
  it('installs the idle environment, shifts traffic to it, blocks the old one, and keeps it through the termination wait', () => {
    const run = startAndDrive(blueGreen());
    expect(run.state.status).toBe('Succeeded');
    expect(run.state.plan.environments).toEqual({ original: 'blue', replacement: 'green' });
    const [blue1, , green1] = run.state.hosts.filter(() => true).sort((a, b) => a.hostId.localeCompare(b.hostId));
    expect(green1!.events.map((e) => e.name)).toEqual([
      'ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService',
      'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic',
    ]);
    expect(blue1!.events.map((e) => e.name)).toEqual(['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic']);
    expect(splits(run.commands)).toEqual(['h3:50 h4:50']);
    expect(routes(run.commands)).toEqual(['allow h3', 'allow h4', 'block h1', 'block h2']);
    // The old environment leaves only after the new one took traffic, then is kept 5 minutes.
    const blockedAt = Math.max(...run.state.hosts.filter((h) => h.name.startsWith('blue')).map((h) => h.events.at(-1)!.endTime!));
    expect(run.now - blockedAt).toBeGreaterThanOrEqual(300_000);
    expect(run.state.hosts.every((h) => h.status === 'Succeeded')).toBe(true);
  });

  it('deploys to blue when green is live', () => {
    const run = startAndDrive(blueGreen({}, { liveEnvironment: 'green' }));
    expect(run.state.plan.environments).toEqual({ original: 'green', replacement: 'blue' });
    expect(splits(run.commands)).toEqual(['h1:50 h2:50']);
  });

  it('waits for continue when the ready wait is manual, then shifts linearly', () => {
    let run = startAndDrive(blueGreen({ readyWait: 'manual', traffic: { type: 'TimeBasedLinear', percentage: 25, interval: '30s' } }));
    expect(run.state.status).toBe('Ready');
    expect(run.state.hosts.filter((h) => h.status === 'Ready').map((h) => h.hostId)).toEqual(['h3', 'h4']);
    expect(splits(run.commands)).toEqual([]);
    expect(step(run.state, { type: 'APPROVE', approval: 'promote' }, run.now).state).toBe(run.state);
    const continued = step(run.state, { type: 'APPROVE', approval: 'continue' }, run.now + 1);
    run = drive({ ...run, state: continued.state, now: run.now + 1, commands: [...run.commands, ...continued.commands] });
    expect(run.state.status).toBe('Succeeded');
    expect(splits(run.commands)).toEqual([
      'h3:12.5 h4:12.5 h1:37.5 h2:37.5',
      'h3:25 h4:25 h1:25 h2:25',
      'h3:37.5 h4:37.5 h1:12.5 h2:12.5',
      'h3:50 h4:50',
    ]);
  });

  it('a failure while installing the new environment fails without a rollback: traffic never moved', () => {
    const run = startAndDrive(blueGreen({}, { rollbackOnFailure: true }), (hostId, event) => hostId === 'h3' && event === 'ValidateService');
    // AllAtOnce on the green pair tolerates one failure; both failing fails the deployment.
    const both = startAndDrive(blueGreen({}, { rollbackOnFailure: true }), (hostId, event) => ['h3', 'h4'].includes(hostId) && event === 'ValidateService');
    expect(both.state.status).toBe('Failed');
    expect(splits(both.commands)).toEqual([]);
    expect(both.commands.some((c) => c.type === 'START_ROLLBACK')).toBe(false);
    expect(run.state.status).toBe('Succeeded');
    expect(splits(run.commands)).toEqual(['h4:100']);
  });

  it('a stop with rollback during the termination wait asks for a reroute, not a reinstall', () => {
    const waiting = startAndDrive(blueGreen(), undefined, (state) => state.status === 'Baking');
    const stopped = step(waiting.state, { type: 'STOP', rollback: true }, waiting.now + 1);
    expect(stopped.state.status).toBe('Stopped');
    expect(stopped.commands).toContainEqual(expect.objectContaining({ type: 'START_ROLLBACK', kind: 'reroute', hostIds: ['h1', 'h2', 'h3', 'h4'] }));
  });

  it('a reroute moves traffic back and mirrors the traffic hooks, installing nothing', () => {
    const run = startAndDrive(blueGreen({}, { reroute: { original: 'blue', replacement: 'green' } }));
    expect(run.state.status).toBe('Succeeded');
    expect(splits(run.commands)).toEqual(['h1:50 h2:50']);
    expect(routes(run.commands)).toEqual(['allow h1', 'allow h2', 'block h3', 'block h4']);
    expect(run.commands.some((c) => c.type === 'SEND_TO_HOST' && c.message.event === 'Install')).toBe(false);
    // After a reroute the original environment is live again.
    expect(run.state.plan.environments).toEqual({ original: 'green', replacement: 'blue' });
  });
});
