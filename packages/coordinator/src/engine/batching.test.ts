import { describe, expect, it } from 'vitest';
import { resolveDeploymentConfig, type DeploymentConfig, type MinimumHealthyHosts } from '@baton/shared';
import { startDeployment, step } from './step.js';
import type { Command, DeploymentState, HostCandidate, StartInput } from './types.js';
import { fleet, startInput } from './fixtures.test-support.js';

/**
 * Table tests of the batching math with the reference's examples (section 6). A fake fleet answers every
 * command in the order it was sent; hosts listed as failing fail ValidateService.
 */

function config(input: string | MinimumHealthyHosts): DeploymentConfig {
  const resolved = resolveDeploymentConfig(input);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
}

interface Run {
  state: DeploymentState;
  maxInFlight: number;
  commands: Command[];
}

/** Drives a deployment to its end: each SEND_TO_HOST is answered, in order, one at a time. */
function run(input: StartInput, failingHosts: ReadonlySet<string>): Run {
  let now = 1_000;
  let { state, commands } = startDeployment(input, now);
  const all = [...commands];
  const queue = commands.filter((c) => c.type === 'SEND_TO_HOST');
  let maxInFlight = inFlight(state);
  while (queue.length > 0) {
    const command = queue.shift()!;
    if (command.type !== 'SEND_TO_HOST') continue;
    now += 10;
    const fails = failingHosts.has(command.hostId) && command.message.event === 'ValidateService';
    const result = step(
      state,
      {
        type: 'EVENT_RESULT',
        commandId: command.message.commandId,
        status: fails ? 'Failed' : 'Succeeded',
        startTime: now - 5,
        endTime: now,
        diagnostics: fails
          ? { errorCode: 'ScriptFailed', scriptName: 'validate.sh', message: 'exit code 1', logTail: '' }
          : { errorCode: 'Success', message: 'Succeeded', logTail: '' },
      },
      now,
    );
    state = result.state;
    all.push(...result.commands);
    queue.push(...result.commands.filter((c) => c.type === 'SEND_TO_HOST'));
    maxInFlight = Math.max(maxInFlight, inFlight(state));
  }
  return { state, maxInFlight, commands: all };
}

const inFlight = (state: DeploymentState) => state.hosts.filter((h) => h.status === 'InProgress').length;
const count = (state: DeploymentState, status: string) => state.hosts.filter((h) => h.status === status).length;
const hostIds = (...numbers: number[]) => new Set(numbers.map((n) => `h${String(n).padStart(2, '0')}`));

describe('minimum healthy hosts batching (reference section 6)', () => {
  it.each([
    ['CodeDeployDefault.OneAtATime', 9, 1],
    ['CodeDeployDefault.HalfAtATime', 9, 4],
    ['CodeDeployDefault.AllAtOnce', 9, 9],
    ['OneAtATime', 9, 1],
    [{ type: 'HOST_COUNT', value: 6 }, 9, 3],
    [{ type: 'FLEET_PERCENT', value: 40 }, 9, 5],
    [{ type: 'HOST_COUNT', value: 9 }, 10, 1],
    [{ type: 'HOST_COUNT', value: 8 }, 10, 2],
    [{ type: 'HOST_COUNT', value: 0 }, 10, 10],
  ] as const)('%o on %i hosts deploys %i at a time and succeeds when all succeed', (name, hosts, atATime) => {
    const outcome = run(startInput(config(name), fleet(hosts)), new Set());
    expect(outcome.maxInFlight).toBe(atATime);
    expect(outcome.state.status).toBe('Succeeded');
    expect(count(outcome.state, 'Succeeded')).toBe(hosts);
  });

  it('OneAtATime: a failure on the first host skips the rest and fails under HEALTH_CONSTRAINTS', () => {
    const outcome = run(startInput(config('OneAtATime'), fleet(9)), hostIds(1));
    expect(outcome.state.status).toBe('Failed');
    expect(outcome.state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(outcome.state.errorInformation?.message).toContain('web01: ValidateService failed (ScriptFailed');
    expect(count(outcome.state, 'Failed')).toBe(1);
    expect(count(outcome.state, 'Skipped')).toBe(8);
    const skipped = outcome.state.hosts.find((h) => h.status === 'Skipped')!;
    expect(skipped.events.every((e) => e.status === 'Skipped')).toBe(true);
  });

  it('OneAtATime: when only the last host fails, the deployment still succeeds', () => {
    const outcome = run(startInput(config('OneAtATime'), fleet(9)), hostIds(9));
    expect(outcome.state.status).toBe('Succeeded');
    expect(count(outcome.state, 'Failed')).toBe(1);
  });

  it.each([
    // [config, hosts, failing host numbers, expected status, expected succeeded]
    ['HalfAtATime', 9, [1, 2, 3], 'Succeeded', 6],
    ['HalfAtATime', 9, [1, 2, 3, 4], 'Failed', 0],
    ['AllAtOnce', 9, [1, 2, 3, 4, 5, 6, 7, 8], 'Succeeded', 1],
    ['AllAtOnce', 9, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'Failed', 0],
    [{ type: 'HOST_COUNT', value: 6 }, 9, [1, 2], 'Succeeded', 7],
    [{ type: 'HOST_COUNT', value: 6 }, 9, [1, 2, 3], 'Failed', 0],
    [{ type: 'FLEET_PERCENT', value: 40 }, 9, [1, 2, 3, 4], 'Succeeded', 5],
    [{ type: 'FLEET_PERCENT', value: 40 }, 9, [1, 2, 3, 4, 5], 'Failed', 0],
  ] as const)('%o on %i hosts with hosts %o failing ends %s with %i succeeded', (name, hosts, failing, status, succeeded) => {
    const outcome = run(startInput(config(name), fleet(hosts)), hostIds(...failing));
    expect(outcome.state.status).toBe(status);
    expect(count(outcome.state, 'Succeeded')).toBe(succeeded);
    if (status === 'Succeeded') expect(succeeded).toBeGreaterThanOrEqual(Math.max(outcome.state.plan.minimumHealthy, 1));
  });

  it('10 hosts at FLEET_PERCENT 95 fail at once: HEALTH_CONSTRAINTS_INVALID', () => {
    const { state, commands } = startDeployment(startInput(config({ type: 'FLEET_PERCENT', value: 95 }), fleet(10)), 0);
    expect(state.status).toBe('Failed');
    expect(state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
    expect(commands.some((c) => c.type === 'SEND_TO_HOST')).toBe(false);
    expect(count(state, 'Skipped')).toBe(10);
  });

  it('an offline host counts as unhealthy at the start', () => {
    const { state } = startDeployment(startInput(config('OneAtATime'), fleet(3, [2])), 0);
    expect(state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
  });

  it('a lone offline host is skipped under HEALTH_CONSTRAINTS, and the message says it is offline', () => {
    const { state } = startDeployment(startInput(config('OneAtATime'), fleet(1, [1])), 0);
    expect(state.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(state.errorInformation?.message).toContain('1 offline (web01)');
    expect(count(state, 'Skipped')).toBe(1);
  });

  it('no matching hosts: NO_INSTANCES', () => {
    const { state } = startDeployment(startInput(config('OneAtATime'), []), 0);
    expect(state.status).toBe('Failed');
    expect(state.errorInformation?.code).toBe('NO_INSTANCES');
  });

  it('orders unhealthy hosts first, then unknown, old and current revisions', () => {
    const candidates: Omit<HostCandidate, 'tags'>[] = [
      { hostId: 'a', name: 'a', online: true, revision: 'current' },
      { hostId: 'b', name: 'b', online: true, revision: 'old' },
      { hostId: 'c', name: 'c', online: true, revision: 'unknown' },
      { hostId: 'd', name: 'd', online: true, revision: 'current', lastOutcome: 'failed' },
    ];
    const { state } = startDeployment(startInput(config('AllAtOnce'), candidates.map((c) => ({ ...c, tags: {} }))), 0);
    expect(state.hosts.map((h) => h.hostId)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('a failure with rollback enabled asks for a rollback of the hosts that received the revision', () => {
    const outcome = run(startInput(config('OneAtATime'), fleet(3), { rollbackOnFailure: true }), hostIds(1));
    const rollback = outcome.commands.find((c) => c.type === 'START_ROLLBACK');
    expect(rollback).toMatchObject({ type: 'START_ROLLBACK', hostIds: ['h01'] });
  });
});
