import { describe, expect, it } from 'vitest';
import { resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { batchSizes } from './batches.js';
import { drive, fleet, startAndDrive, startInput, startOrder } from './fixtures.test-support.js';
import { step } from './step.js';
import type { Command } from './types.js';

const oneAtATime = (): DeploymentConfig => {
  const resolved = resolveDeploymentConfig('OneAtATime');
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
};
const failing = (...hostIds: string[]) => (hostId: string, event: string) => hostIds.includes(hostId) && event === 'ValidateService';
const splits = (commands: readonly Command[]) => commands.filter((c) => c.type === 'SET_TRAFFIC_SPLIT');

describe('rolling batches', () => {
  it.each([
    [{ count: 2 }, 5, [2, 2, 1]],
    [{ percent: 25 }, 10, [3, 3, 3, 1]],
    [[{ count: 1 }, { percent: 10 }, { percent: 50 }, { percent: 100 }], 20, [1, 1, 8, 10]],
    [[{ count: 1 }, { percent: 50 }], 6, [1, 2, 3]],
    [[{ percent: 10 }], 3, [1, 2]],
  ] as const)('%o over %i hosts gives batches of %o', (spec, total, expected) => {
    expect(batchSizes(spec as never, total)).toEqual(expected);
  });

  it('deploys a ramp batch by batch, baking between batches, and succeeds', () => {
    const input = startInput(oneAtATime(), fleet(6), { strategy: { type: 'rolling', rolling: { batches: [1, '50%'], bake: '30s' } } });
    const run = startAndDrive(input);
    expect(run.state.status).toBe('Succeeded');
    expect(run.state.plan.batches.map((b) => b.hostIds.length)).toEqual([1, 2, 3]);
    // Each batch starts only after the previous one baked for 30 s.
    const records = run.commands.filter((c) => c.type === 'RECORD_EVENT').map((c) => (c as { message: string }).message);
    expect(records.filter((m) => m.includes('baking for 30 s'))).toHaveLength(2);
    expect(run.now).toBeGreaterThanOrEqual(60_000);
  });

  it('shows Baking while it bakes, ignores an early wake-up, and goes on when the bake ends', () => {
    const input = startInput(oneAtATime(), fleet(2), { strategy: { type: 'rolling', rolling: { batches: 1, bake: '1m' } } });
    const baking = startAndDrive(input, undefined, (state) => state.status === 'Baking');
    expect(baking.state.status).toBe('Baking');
    expect(baking.state.bakeUntil).toBe(baking.now + 60_000);
    expect(baking.state.hosts.map((h) => h.status)).toEqual(['Succeeded', 'Pending']);
    const early = step(baking.state, { type: 'WAKEUP' }, baking.now + 59_000);
    expect(early.state.status).toBe('Baking');
    expect(early.commands.filter((c) => c.type === 'SEND_TO_HOST')).toEqual([]);
    const onTime = step(baking.state, { type: 'WAKEUP' }, baking.now + 60_000);
    expect(onTime.state.status).toBe('InProgress');
    expect(onTime.commands).toContainEqual(expect.objectContaining({ type: 'SEND_TO_HOST', hostId: 'h02' }));
  });

  it('phases by zone: the second zone starts only after the first zone baked for firstZoneBake', () => {
    const input = startInput(oneAtATime(), fleet(4, [], 2), {
      strategy: { type: 'rolling', rolling: { batches: '100%', zoneTag: 'zone', bake: '10s', firstZoneBake: '60s' } },
    });
    const run = startAndDrive(input);
    expect(run.state.status).toBe('Succeeded');
    expect(run.state.plan.batches.map((b) => b.label)).toEqual(['zone a, batch 1 of 1', 'zone b, batch 1 of 1']);
    expect(run.state.plan.batches[0]!.bakeMs).toBe(60_000);
    const zoneA = ['h01', 'h03'];
    const order = startOrder(run);
    expect(order.slice(0, 2).sort()).toEqual(zoneA);
    const zoneBStart = Math.min(
      ...run.state.hosts.filter((h) => !zoneA.includes(h.hostId)).map((h) => h.events[0]!.startTime!),
    );
    const zoneAEnd = Math.max(...run.state.hosts.filter((h) => zoneA.includes(h.hostId)).map((h) => h.events.at(-1)!.endTime!));
    expect(zoneBStart - zoneAEnd).toBeGreaterThanOrEqual(60_000);
  });

  it('a failure in the first zone stops the deployment: the second zone is skipped', () => {
    const input = startInput(oneAtATime(), fleet(4, [], 2), { strategy: { type: 'rolling', rolling: { batches: '100%', zoneTag: 'zone', bake: '10s' } } });
    const run = startAndDrive(input, failing('h01'));
    expect(run.state.status).toBe('Failed');
    expect(run.state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(run.state.hosts.filter((h) => h.status === 'Skipped').map((h) => h.hostId).sort()).toEqual(['h02', 'h04']);
  });

  it('keeps within the failure budgets: one failure per batch and overall is tolerated, a second is not', () => {
    const strategy = { type: 'rolling' as const, rolling: { batches: 2, maxFailures: { perBatch: 1, total: 1 } } };
    expect(startAndDrive(startInput(oneAtATime(), fleet(6), { strategy }), failing('h01')).state.status).toBe('Succeeded');
    const twice = startAndDrive(startInput(oneAtATime(), fleet(6), { strategy }), failing('h01', 'h03'));
    expect(twice.state.status).toBe('Failed');
    expect(twice.state.hosts.filter((h) => h.status === 'Skipped').map((h) => h.hostId)).toEqual(['h05', 'h06']);
  });

  it('refuses a zone that cannot lose a host to deployment', () => {
    const input = startInput(oneAtATime(), fleet(2, [], 2), { strategy: { type: 'rolling', rolling: { zoneTag: 'zone', minHealthyPerZone: 1 } } });
    const run = startAndDrive(input);
    expect(run.state.status).toBe('Failed');
    expect(run.state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
    expect(run.state.errorInformation?.message).toContain('zone a');
  });
});

describe('canary', () => {
  const canary = { type: 'canary' as const, canary: { hosts: 1, bake: '30s', promote: 'manual' as const, trafficWeight: 10, match: { header: 'X-Canary: 1' } } };

  it('deploys the canary, splits traffic while it bakes, waits for promote, then deploys the rest', () => {
    let run = startAndDrive(startInput(oneAtATime(), fleet(5), { strategy: canary, withTrafficRouter: true }));
    expect(run.state.status).toBe('Ready');
    expect(startOrder(run)).toEqual(['h01']);
    const [split] = splits(run.commands);
    expect(split).toMatchObject({ type: 'SET_TRAFFIC_SPLIT', matchedHostIds: ['h01'] });
    expect(split?.type === 'SET_TRAFFIC_SPLIT' ? split.shares : []).toContainEqual({ hostId: 'h01', percent: 10 });
    expect(run.now).toBeGreaterThanOrEqual(30_000);

    const promoted = step(run.state, { type: 'APPROVE', approval: 'promote' }, run.now + 1);
    expect(splits(promoted.commands)).toEqual([{ type: 'SET_TRAFFIC_SPLIT', shares: null, matchedHostIds: [] }]);
    run = drive({ state: promoted.state, now: run.now + 1, commands: [...run.commands, ...promoted.commands] });
    expect(run.state.status).toBe('Succeeded');
    expect(run.state.hosts.every((h) => h.status === 'Succeeded')).toBe(true);
  });

  it('with a traffic router, BlockTraffic and AllowTraffic are done by the coordinator', () => {
    const run = startAndDrive(startInput(oneAtATime(), fleet(1), { withTrafficRouter: true }));
    expect(run.state.status).toBe('Succeeded');
    const routes = run.commands.filter((c) => c.type === 'ROUTE_TRAFFIC').map((c) => (c as { action: string }).action);
    expect(routes).toEqual(['block', 'allow']);
    expect(run.state.hosts[0]!.events.map((e) => e.name)).toEqual([
      'BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic', 'ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install',
      'AfterInstall', 'ApplicationStart', 'ValidateService', 'BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic',
    ]);
  });

  it('a failed canary never reaches a second host and is rolled back', () => {
    const run = startAndDrive(startInput(oneAtATime(), fleet(5), { strategy: canary, rollbackOnFailure: true }), failing('h01'));
    expect(run.state.status).toBe('Failed');
    expect(startOrder(run)).toEqual(['h01']);
    expect(run.commands).toContainEqual(expect.objectContaining({ type: 'START_ROLLBACK', hostIds: ['h01'] }));
  });

  it('a canary whose health check fails while baking never reaches a second host and is rolled back', () => {
    const input = startInput(oneAtATime(), fleet(5), { strategy: { type: 'canary', canary: { hosts: 1, bake: '5m' } }, rollbackOnFailure: true });
    const run = startAndDrive(input, undefined, (state) => state.status === 'Baking');
    const { state, commands } = step(run.state, { type: 'HOST_UNHEALTHY', hostId: 'h01', message: 'GET /health answered 500' }, run.now + 1);
    expect(state.status).toBe('Failed');
    expect(state.hosts.filter((h) => h.status !== 'Pending' && h.status !== 'Skipped').map((h) => h.hostId)).toEqual(['h01']);
    expect(commands).toContainEqual(expect.objectContaining({ type: 'START_ROLLBACK', hostIds: ['h01'] }));
  });

  it('an alarm while baking stops the deployment with ALARM_ACTIVE and rolls back', () => {
    const input = startInput(oneAtATime(), fleet(3), { strategy: { type: 'canary', canary: { hosts: 1, bake: '5m' } }, rollbackOnFailure: true });
    const run = startAndDrive(input, undefined, (state) => state.status === 'Baking');
    const alarmed = step(run.state, { type: 'ALARM', name: 'cpu', message: 'cpu above 90% for 60 s on web01' }, run.now + 1);
    expect(alarmed.state.status).toBe('Stopped');
    expect(alarmed.state.errorInformation).toMatchObject({ code: 'ALARM_ACTIVE' });
    expect(alarmed.commands).toContainEqual(expect.objectContaining({ type: 'START_ROLLBACK' }));
  });
});

