import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalDeploymentStatus, resolveDeploymentConfig, type StrategyInput } from '@baton/shared';
import { startInput } from './fixtures.test-support.js';
import { startDeployment, step } from './step.js';
import type { Command, DeploymentState, EngineEvent, HostCandidate } from './types.js';

/**
 * Property tests of the strategies' safety rules over random fleets, failures, health reports, alarms,
 * approvals, wake-ups and delivery orders: a failed canary never advances; traffic never moves to a host that
 * failed; a rolling deployment never runs more hosts than its batch; every deployment ends.
 */

const strategies: StrategyInput[] = [
  { type: 'rolling', rolling: { batches: [1, '50%'], bake: '10s', maxFailures: { perBatch: 0, total: 1 } } },
  { type: 'rolling', rolling: { batches: 2, zoneTag: 'zone', firstZoneBake: '20s' } },
  { type: 'canary', canary: { hosts: 1, bake: '10s', promote: 'manual', trafficWeight: 10, match: { header: 'X-Canary: 1' } } },
  { type: 'canary', canary: { hosts: '40%', bake: '5s' }, rolling: { batches: 1 } },
  { type: 'blueGreen', blueGreen: { environmentTag: 'env', readyWait: 'manual', terminationWait: '30s', traffic: { type: 'TimeBasedLinear', percentage: 25, interval: '5s' } } },
  { type: 'blueGreen', blueGreen: { environmentTag: 'env', terminationWait: '10s' } },
];

const action = fc.oneof(
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('wakeup' as const), advanceMs: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({ kind: fc.constant('approve' as const), approval: fc.constantFrom('promote' as const, 'continue' as const) }),
  fc.record({ kind: fc.constant('unhealthy' as const), host: fc.nat() }),
  fc.record({ kind: fc.constant('alarm' as const) }),
  fc.record({ kind: fc.constant('stop' as const), rollback: fc.boolean() }),
);

function fleetOf(count: number): HostCandidate[] {
  return Array.from({ length: count }, (_, i) => ({
    hostId: `h${i + 1}`,
    name: `host${i + 1}`,
    tags: { env: i % 2 === 0 ? 'blue' : 'green', zone: i < count / 2 ? 'a' : 'b' },
    online: true,
    revision: 'old' as const,
  }));
}

describe('strategy invariants', () => {
  it('hold for any sequence of results, health reports, alarms, approvals and wake-ups', () => {
    const config = resolveDeploymentConfig('HalfAtATime');
    if (!config.ok) throw new Error(config.error);
    fc.assert(
      fc.property(
        fc.record({ hosts: fc.integer({ min: 2, max: 8 }), strategy: fc.constantFrom(...strategies), actions: fc.array(action, { maxLength: 150 }) }),
        ({ hosts, strategy, actions }) => {
          let now = 0;
          const input = startInput(config.value, fleetOf(hosts), { strategy, withTrafficRouter: true, rollbackOnFailure: true });
          let { state, commands } = startDeployment(input, now);
          const outstanding: string[] = [];
          const sent = new Set<string>();
          const canary = state.plan.strategy === 'canary' ? new Set(state.plan.batches[0]?.hostIds) : undefined;

          const accept = (before: DeploymentState, cmds: readonly Command[], after: DeploymentState) => {
            for (const c of cmds) {
              const id = c.type === 'SEND_TO_HOST' ? c.message.commandId : c.type === 'ROUTE_TRAFFIC' ? c.commandId : undefined;
              if (id) {
                expect(sent.has(id)).toBe(false);
                sent.add(id);
                outstanding.push(id);
                // A failed canary never advances: no host outside the canary batch is touched after one failed.
                if (canary && c.type === 'SEND_TO_HOST' && !canary.has(c.hostId)) {
                  expect(before.hosts.some((h) => canary.has(h.hostId) && h.status === 'Failed')).toBe(false);
                }
              }
              // Traffic never moves to a host that failed.
              if (c.type === 'SET_TRAFFIC_SPLIT' && c.shares) {
                for (const share of c.shares.filter((s) => s.percent > 0)) {
                  expect(after.hosts.find((h) => h.hostId === share.hostId)?.status).not.toBe('Failed');
                }
              }
            }
            // A rolling or canary batch never runs hosts outside itself.
            const batch = after.plan.batches[after.batchIndex];
            if (batch && !isTerminalDeploymentStatus(after.status) && after.plan.strategy !== 'inPlace') {
              const running = after.hosts.filter((h) => h.status === 'InProgress').map((h) => h.hostId);
              for (const id of running) expect(batch.hostIds).toContain(id);
            }
          };
          accept(state, commands, state);

          const apply = (event: EngineEvent) => {
            const before = state;
            const result = step(state, event, now);
            if (isTerminalDeploymentStatus(before.status)) expect(result.state.status).toBe(before.status);
            state = result.state;
            accept(before, result.commands, state);
          };
          const deliver = (pick: number, fail: boolean) => {
            const [id] = outstanding.splice(pick % outstanding.length, 1);
            apply({
              type: 'EVENT_RESULT',
              commandId: id!,
              status: fail ? 'Failed' : 'Succeeded',
              startTime: now - 1,
              endTime: now,
              diagnostics: { errorCode: fail ? 'ScriptFailed' : 'Success', message: '', logTail: '' },
            });
          };

          for (const a of actions) {
            now += 3;
            if (a.kind === 'deliver' && outstanding.length > 0) deliver(a.pick, a.fail);
            else if (a.kind === 'wakeup') {
              now += a.advanceMs;
              apply({ type: 'WAKEUP' });
            } else if (a.kind === 'approve') apply({ type: 'APPROVE', approval: a.approval });
            else if (a.kind === 'unhealthy') apply({ type: 'HOST_UNHEALTHY', hostId: `h${(a.host % hosts) + 1}`, message: 'probe failed' });
            else if (a.kind === 'alarm') apply({ type: 'ALARM', name: 'cpu', message: 'cpu high' });
            else if (a.kind === 'stop') apply({ type: 'STOP', rollback: a.rollback });
          }
          // Drain: answer everything, approve whatever waits, let time pass. Every deployment ends.
          for (let guard = 0; guard < 2000 && !isTerminalDeploymentStatus(state.status); guard++) {
            now += 3;
            if (outstanding.length > 0) deliver(0, false);
            else if (state.status === 'Ready') apply({ type: 'APPROVE', approval: state.plan.batches[state.batchIndex]!.approval! });
            else {
              now += 60_000;
              apply({ type: 'WAKEUP' });
            }
          }
          expect(isTerminalDeploymentStatus(state.status)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
