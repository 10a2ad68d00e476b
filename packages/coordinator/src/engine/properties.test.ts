import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalDeploymentStatus, resolveDeploymentConfig } from '@baton/shared';
import { startDeployment, step } from './step.js';
import type { Command, DeploymentState, EngineEvent } from './types.js';
import { fleet, startInput } from './fixtures.test-support.js';

/**
 * Property tests of the engine's safety invariants, over random fleets, configurations, failures,
 * connectivity changes, stops, wake-ups and delivery orders.
 */

const configs = ['OneAtATime', 'HalfAtATime', 'AllAtOnce', { type: 'HOST_COUNT', value: 2 }, { type: 'FLEET_PERCENT', value: 40 }] as const;

const action = fc.oneof(
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('connectivity' as const), host: fc.nat(), online: fc.boolean() }),
  fc.record({ kind: fc.constant('wakeup' as const), advanceMs: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({ kind: fc.constant('stop' as const), rollback: fc.boolean() }),
);

const scenario = fc.record({
  hosts: fc.integer({ min: 1, max: 10 }),
  config: fc.constantFrom(...configs),
  offlineAtStart: fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 2 }),
  actions: fc.array(action, { maxLength: 120 }),
});

const outOfService = (state: DeploymentState) =>
  state.hosts.filter((h) => h.status === 'InProgress' || !h.healthy).length;

describe('engine invariants', () => {
  it('hold for any sequence of results, outages, stops and wake-ups', () => {
    fc.assert(
      fc.property(scenario, ({ hosts, config, offlineAtStart, actions }) => {
        const resolved = resolveDeploymentConfig(config);
        if (!resolved.ok) throw new Error(resolved.error);
        let now = 0;
        let { state, commands } = startDeployment(startInput(resolved.value, fleet(hosts, offlineAtStart), { rollbackOnFailure: true }), now);
        const unhealthyAtStart = state.hosts.filter((h) => !h.healthy).length;
        const allowedOut = Math.max(hosts - state.plan.minimumHealthy, unhealthyAtStart);
        const sent = new Set<string>();
        const outstanding: Extract<Command, { type: 'SEND_TO_HOST' }>[] = [];

        const apply = (event: EngineEvent) => {
          const before = state;
          const result = step(state, event, now);
          if (isTerminalDeploymentStatus(before.status)) {
            // Terminal states absorb: only a late event result may still be recorded.
            expect(result.state.status).toBe(before.status);
            expect(result.state.hosts.map((h) => h.status)).toEqual(before.hosts.map((h) => h.status));
            expect(result.commands.filter((c) => c.type !== 'RECORD_EVENT')).toEqual([]);
          }
          state = result.state;
          accept(result.commands);
          if (event.type === 'EVENT_RESULT') {
            // Replaying an event changes nothing.
            const replay = step(state, event, now);
            expect(replay.state).toEqual(state);
            expect(replay.commands).toEqual([]);
          }
        };
        const accept = (cmds: readonly Command[]) => {
          for (const c of cmds) {
            if (c.type !== 'SEND_TO_HOST') continue;
            expect(sent.has(c.message.commandId)).toBe(false); // no event is ever sent twice
            sent.add(c.message.commandId);
            outstanding.push(c);
          }
        };
        accept(commands);

        const check = () => {
          if (state.status === 'InProgress') expect(outOfService(state)).toBeLessThanOrEqual(allowedOut);
          if (state.status === 'Succeeded') {
            const succeeded = state.hosts.filter((h) => h.status === 'Succeeded').length;
            expect(succeeded).toBeGreaterThanOrEqual(Math.max(state.plan.minimumHealthy, 1));
          }
          for (const h of state.hosts) {
            expect(h.events.filter((e) => e.status === 'InProgress').length).toBeLessThanOrEqual(1);
          }
        };

        for (const a of actions) {
          now += 7;
          if (a.kind === 'deliver' && outstanding.length > 0) {
            const [c] = outstanding.splice(a.pick % outstanding.length, 1);
            apply(result(c!.message.commandId, a.fail, now));
          } else if (a.kind === 'connectivity') {
            apply({ type: 'HOST_CONNECTIVITY', hostId: state.hosts[a.host % state.hosts.length]?.hostId ?? 'none', online: a.online });
          } else if (a.kind === 'wakeup') {
            now += a.advanceMs;
            apply({ type: 'WAKEUP' });
          } else if (a.kind === 'stop') {
            apply({ type: 'STOP', rollback: a.rollback });
          }
          check();
        }

        // Drain: answer everything, then let every deadline pass. The deployment must end.
        for (let guard = 0; guard < 1000 && !isTerminalDeploymentStatus(state.status); guard++) {
          now += 7;
          const c = outstanding.shift();
          if (c) apply(result(c.message.commandId, false, now));
          else {
            now += 120_000;
            apply({ type: 'WAKEUP' });
          }
          check();
        }
        expect(isTerminalDeploymentStatus(state.status)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function result(commandId: string, fail: boolean, now: number): EngineEvent {
  return {
    type: 'EVENT_RESULT',
    commandId,
    status: fail ? 'Failed' : 'Succeeded',
    startTime: now - 1,
    endTime: now,
    diagnostics: { errorCode: fail ? 'ScriptFailed' : 'Success', message: fail ? 'exit 1' : 'ok', logTail: '' },
  };
}
