/**
 * Deployment configurations: how many hosts must stay healthy while a deployment runs (reference section 6).
 */
import { z } from 'zod';
import { assertNever, err, ok, type Result } from './result.js';

const MINIMUM_HEALTHY_HOSTS_TYPES = ['HOST_COUNT', 'FLEET_PERCENT'] as const;

/**
 * A custom minimum as the API takes it: a host count (≥ 0) or a percentage of the fleet (0–99). The schema
 * checks the shape only; `resolveDeploymentConfig` checks the range.
 */
export const MinimumHealthyHosts = z.object({ type: z.enum(MINIMUM_HEALTHY_HOSTS_TYPES), value: z.number() });
export type MinimumHealthyHosts = z.infer<typeof MinimumHealthyHosts>;

const isMinimumHealthyHostsType = (value: string): value is MinimumHealthyHosts['type'] =>
  (MINIMUM_HEALTHY_HOSTS_TYPES as readonly string[]).includes(value);

/**
 * The minimum a configuration keeps. `ALL_BUT_ONE` is OneAtATime's rule: it depends on the fleet size, so it
 * is neither a fixed count nor a percentage (HOST_COUNT 1 would let a 9-host fleet lose 8 at once).
 */
export const MinimumHealthyRule = z.union([MinimumHealthyHosts, z.object({ type: z.literal('ALL_BUT_ONE') })]);
export type MinimumHealthyRule = z.infer<typeof MinimumHealthyRule>;

/**
 * A resolved configuration. The schema reads one back from storage (shape only); new ones come from
 * `resolveDeploymentConfig`, which also checks the ranges.
 */
export const DeploymentConfig = z.object({
  /** `CodeDeployDefault.*` for a predefined configuration, `Custom(HOST_COUNT:6)` for a custom one. */
  name: z.string(),
  minimumHealthyHosts: MinimumHealthyRule,
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

export const DEFAULT_DEPLOYMENT_CONFIG_NAME = 'CodeDeployDefault.OneAtATime';

const PREDEFINED_PREFIX = 'CodeDeployDefault.';

const PREDEFINED: Readonly<Record<string, MinimumHealthyRule>> = {
  OneAtATime: { type: 'ALL_BUT_ONE' },
  HalfAtATime: { type: 'FLEET_PERCENT', value: 50 },
  AllAtOnce: { type: 'HOST_COUNT', value: 0 },
};

function checkMinimumHealthyHosts({ type, value }: MinimumHealthyHosts): Result<MinimumHealthyHosts, string> {
  switch (type) {
    case 'HOST_COUNT':
      return Number.isSafeInteger(value) && value >= 0
        ? ok({ type, value })
        : err(`HOST_COUNT must be a whole number of hosts, 0 or more, not ${value}`);
    case 'FLEET_PERCENT':
      return Number.isInteger(value) && value >= 0 && value <= 99
        ? ok({ type, value })
        : err(`FLEET_PERCENT must be a whole percentage from 0 to 99, not ${value}`);
    default:
      return assertNever(type, 'minimum healthy hosts type');
  }
}

function resolvePredefined(name: string): Result<DeploymentConfig, string> {
  const shortName = name.startsWith(PREDEFINED_PREFIX) ? name.slice(PREDEFINED_PREFIX.length) : name;
  const rule = Object.hasOwn(PREDEFINED, shortName) ? PREDEFINED[shortName] : undefined;
  if (rule === undefined) {
    const known = Object.keys(PREDEFINED).map((predefined) => PREDEFINED_PREFIX + predefined);
    return err(`unknown deployment configuration "${name}"; expected one of ${known.join(', ')} or a custom minimum`);
  }
  return ok({ name: PREDEFINED_PREFIX + shortName, minimumHealthyHosts: rule });
}

/**
 * A predefined configuration by its full or short name (`CodeDeployDefault.HalfAtATime`, `HalfAtATime`), or
 * a custom minimum. The resolved name is always the full one, so stored names compare equal.
 */
export function resolveDeploymentConfig(input: string | MinimumHealthyHosts): Result<DeploymentConfig, string> {
  if (typeof input === 'string') return resolvePredefined(input);
  const checked = checkMinimumHealthyHosts(input);
  if (!checked.ok) return checked;
  const { type, value } = checked.value;
  return ok({ name: `Custom(${type}:${value})`, minimumHealthyHosts: checked.value });
}

/** Reads a CLI flag such as `HOST_COUNT:6` or `FLEET_PERCENT:40`. */
export function parseMinimumHealthyHostsFlag(flag: string): Result<MinimumHealthyHosts, string> {
  const [, type = '', digits = ''] = /^([A-Z_]+):(\d+)$/.exec(flag.trim()) ?? [];
  if (!isMinimumHealthyHostsType(type)) {
    return err(`expected HOST_COUNT:<hosts> or FLEET_PERCENT:<percent>, not "${flag}"`);
  }
  return checkMinimumHealthyHosts({ type, value: Number(digits) });
}

/**
 * The number of hosts that must stay healthy in a fleet of `hostCount`, fixed when a deployment starts.
 * A percentage rounds up, computed from integers so that no float error tips the result (`0.07 * 100` is
 * 7.000000000000001, whose ceiling would be 8). A HOST_COUNT larger than the fleet is returned as is: the
 * caller refuses that deployment (HEALTH_CONSTRAINTS_INVALID).
 */
export function computeMinimumHealthy(config: DeploymentConfig, hostCount: number): number {
  if (!Number.isSafeInteger(hostCount) || hostCount < 0) {
    throw new Error(`host count must be a whole number, 0 or more: ${hostCount}`);
  }
  const rule = config.minimumHealthyHosts;
  switch (rule.type) {
    case 'ALL_BUT_ONE':
      return Math.max(hostCount - 1, 0);
    case 'HOST_COUNT':
      return rule.value;
    case 'FLEET_PERCENT':
      // ceil(v × N / 100) as a floor of integers: the division is exact whenever the result is whole.
      return Math.floor((rule.value * hostCount + 99) / 100);
    default:
      return assertNever(rule, 'minimum healthy rule');
  }
}

/**
 * The configuration a rollback deploys under. A rollback targets only the hosts that received the failed
 * deployment; the group's minimum healthy hosts is a rule over the whole group, and the rollback leaves the
 * group's other hosts alone, so it keeps healthy only what those do not account for: max(0, the group's minimum −
 * `untouchedHosts`). Whether they are online does not matter: the rollback changes nothing about them, and a
 * rollback must not be blocked by hosts it does not touch (after a coordinator restart, say, before they
 * reconnect). OneAtATime thus stays one target at a time, and a HalfAtATime rollback of the one host that failed
 * out of three can start, where the group's rule over that one host alone (1 of 1 healthy) could never be met.
 */
export function rollbackDeploymentConfig(config: DeploymentConfig, groupHostCount: number, untouchedHosts: number): DeploymentConfig {
  const value = Math.max(0, computeMinimumHealthy(config, groupHostCount) - untouchedHosts);
  return { name: config.name, minimumHealthyHosts: { type: 'HOST_COUNT', value } };
}
