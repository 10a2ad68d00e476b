import { describe, expect, it } from 'vitest';
import {
  computeMinimumHealthy,
  parseMinimumHealthyHostsFlag,
  resolveDeploymentConfig,
  rollbackDeploymentConfig,
  type DeploymentConfig,
  type MinimumHealthyHosts,
} from './deployment-config.js';

function resolved(input: string | MinimumHealthyHosts): DeploymentConfig {
  const result = resolveDeploymentConfig(input);
  if (!result.ok) throw new Error(`expected a configuration, got: ${result.error}`);
  return result.value;
}

describe('resolveDeploymentConfig', () => {
  it.each([
    ['CodeDeployDefault.OneAtATime', 'CodeDeployDefault.OneAtATime', { type: 'ALL_BUT_ONE' }],
    ['OneAtATime', 'CodeDeployDefault.OneAtATime', { type: 'ALL_BUT_ONE' }],
    ['CodeDeployDefault.HalfAtATime', 'CodeDeployDefault.HalfAtATime', { type: 'FLEET_PERCENT', value: 50 }],
    ['HalfAtATime', 'CodeDeployDefault.HalfAtATime', { type: 'FLEET_PERCENT', value: 50 }],
    ['CodeDeployDefault.AllAtOnce', 'CodeDeployDefault.AllAtOnce', { type: 'HOST_COUNT', value: 0 }],
    ['AllAtOnce', 'CodeDeployDefault.AllAtOnce', { type: 'HOST_COUNT', value: 0 }],
  ])('resolves %s to %s', (input, name, minimumHealthyHosts) => {
    expect(resolveDeploymentConfig(input)).toEqual({ ok: true, value: { name, minimumHealthyHosts } });
  });

  it.each([
    [{ type: 'HOST_COUNT', value: 6 }, 'Custom(HOST_COUNT:6)'],
    [{ type: 'HOST_COUNT', value: 0 }, 'Custom(HOST_COUNT:0)'],
    [{ type: 'FLEET_PERCENT', value: 40 }, 'Custom(FLEET_PERCENT:40)'],
    [{ type: 'FLEET_PERCENT', value: 0 }, 'Custom(FLEET_PERCENT:0)'],
    [{ type: 'FLEET_PERCENT', value: 99 }, 'Custom(FLEET_PERCENT:99)'],
  ] satisfies [MinimumHealthyHosts, string][])('accepts the custom minimum %j as %s', (minimum, name) => {
    expect(resolved(minimum)).toEqual({ name, minimumHealthyHosts: minimum });
  });

  it.each([
    ['CodeDeployDefault.TwoAtATime', 'unknown deployment configuration "CodeDeployDefault.TwoAtATime"'],
    ['oneattime', 'unknown deployment configuration'],
    ['', 'unknown deployment configuration'],
    ['CodeDeployDefault.', 'unknown deployment configuration'],
    ['constructor', 'unknown deployment configuration'],
  ])('refuses the name %j', (name, reason) => {
    const result = resolveDeploymentConfig(name);
    expect(result.ok ? undefined : result.error).toContain(reason);
  });

  it.each([
    [{ type: 'HOST_COUNT', value: -1 }, 'HOST_COUNT must be a whole number of hosts'],
    [{ type: 'HOST_COUNT', value: 1.5 }, 'HOST_COUNT must be a whole number of hosts'],
    [{ type: 'HOST_COUNT', value: Number.NaN }, 'HOST_COUNT must be a whole number of hosts'],
    [{ type: 'FLEET_PERCENT', value: 100 }, 'FLEET_PERCENT must be a whole percentage from 0 to 99'],
    [{ type: 'FLEET_PERCENT', value: -5 }, 'FLEET_PERCENT must be a whole percentage from 0 to 99'],
    [{ type: 'FLEET_PERCENT', value: 33.3 }, 'FLEET_PERCENT must be a whole percentage from 0 to 99'],
  ] satisfies [MinimumHealthyHosts, string][])('refuses the custom minimum %j', (minimum, reason) => {
    const result = resolveDeploymentConfig(minimum);
    expect(result.ok ? undefined : result.error).toContain(reason);
  });
});

describe('parseMinimumHealthyHostsFlag', () => {
  it.each([
    ['HOST_COUNT:6', { type: 'HOST_COUNT', value: 6 }],
    ['FLEET_PERCENT:40', { type: 'FLEET_PERCENT', value: 40 }],
    [' HOST_COUNT:0 ', { type: 'HOST_COUNT', value: 0 }],
  ])('reads %j', (flag, minimum) => {
    expect(parseMinimumHealthyHostsFlag(flag)).toEqual({ ok: true, value: minimum });
  });

  it.each([
    ['HOST_COUNT', 'expected HOST_COUNT:<hosts> or FLEET_PERCENT:<percent>'],
    ['HOST_COUNT:', 'expected HOST_COUNT:<hosts>'],
    ['host_count:6', 'expected HOST_COUNT:<hosts>'],
    ['PERCENT:40', 'expected HOST_COUNT:<hosts>'],
    ['HOST_COUNT:-1', 'expected HOST_COUNT:<hosts>'],
    ['FLEET_PERCENT:40%', 'expected HOST_COUNT:<hosts>'],
    ['FLEET_PERCENT:100', 'FLEET_PERCENT must be a whole percentage from 0 to 99'],
  ])('refuses %j', (flag, reason) => {
    const result = parseMinimumHealthyHostsFlag(flag);
    expect(result.ok ? undefined : result.error).toContain(reason);
  });
});

describe('computeMinimumHealthy', () => {
  it.each([
    ['OneAtATime', 9, 8],
    ['HalfAtATime', 9, 5],
    ['AllAtOnce', 9, 0],
    ['OneAtATime', 1, 0],
    ['OneAtATime', 0, 0],
    ['HalfAtATime', 10, 5],
    ['HalfAtATime', 1, 1],
    ['HalfAtATime', 0, 0],
  ])('%s on %i hosts keeps %i healthy', (name, hostCount, minimum) => {
    expect(computeMinimumHealthy(resolved(name), hostCount)).toBe(minimum);
  });

  it.each([
    [{ type: 'HOST_COUNT', value: 6 }, 9, 6],
    [{ type: 'HOST_COUNT', value: 12 }, 9, 12],
    [{ type: 'FLEET_PERCENT', value: 40 }, 9, 4],
    [{ type: 'FLEET_PERCENT', value: 95 }, 10, 10],
    [{ type: 'FLEET_PERCENT', value: 90 }, 10, 9],
    [{ type: 'FLEET_PERCENT', value: 7 }, 100, 7],
    [{ type: 'FLEET_PERCENT', value: 1 }, 1, 1],
    [{ type: 'FLEET_PERCENT', value: 0 }, 50, 0],
    [{ type: 'FLEET_PERCENT', value: 99 }, 1000, 990],
  ] satisfies [MinimumHealthyHosts, number, number][])('%j of %i hosts is %i', (minimum, hostCount, expected) => {
    expect(computeMinimumHealthy(resolved(minimum), hostCount)).toBe(expected);
  });

  it('rounds every percentage of fleets up to 500 hosts up to the next whole host', () => {
    const wrong: string[] = [];
    for (let percent = 0; percent <= 99; percent += 1) {
      const config = resolved({ type: 'FLEET_PERCENT', value: percent });
      for (let hosts = 0; hosts <= 500; hosts += 1) {
        const minimum = computeMinimumHealthy(config, hosts);
        // The least whole number of hosts that is at least percent% of the fleet, checked in integers.
        const isCeiling = minimum * 100 >= percent * hosts && (minimum - 1) * 100 < percent * hosts;
        if (!isCeiling) wrong.push(`${percent}% of ${hosts} gave ${minimum}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each([-1, 2.5, Number.NaN])('throws on the impossible host count %d', (hostCount) => {
    expect(() => computeMinimumHealthy(resolved('OneAtATime'), hostCount)).toThrow('host count');
  });
});

describe('rollbackDeploymentConfig', () => {
  it.each([
    // The README's group: three hosts, HalfAtATime keeps 2; web1 failed, web2 and web3 untouched.
    ['HalfAtATime', 3, 2, 0],
    ['HalfAtATime', 3, 1, 1],
    ['HalfAtATime', 1, 0, 1],
    // OneAtATime keeps all but one of the group: one rollback target at a time, whatever the group's size.
    ['OneAtATime', 5, 3, 1],
    ['OneAtATime', 5, 4, 0],
    ['AllAtOnce', 5, 0, 0],
  ])('%s over a group of %i with %i untouched hosts keeps %i of the targets healthy', (name, groupHostCount, untouchedHosts, minimum) => {
    const config = rollbackDeploymentConfig(resolved(name), groupHostCount, untouchedHosts);
    expect(config).toEqual({ name: `CodeDeployDefault.${name}`, minimumHealthyHosts: { type: 'HOST_COUNT', value: minimum } });
  });

  it('keeps a custom HOST_COUNT minus what the untouched hosts provide', () => {
    expect(rollbackDeploymentConfig(resolved({ type: 'HOST_COUNT', value: 6 }), 9, 4).minimumHealthyHosts).toEqual({ type: 'HOST_COUNT', value: 2 });
  });
});
