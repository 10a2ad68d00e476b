/**
 * Deployment strategies a group (or one deployment) chooses. Parsed once at the API's edge; the engine plans
 * from the parsed form. Durations are milliseconds after parsing.
 */
import { z } from 'zod';
import { DurationMs, HostAmount, Percentage } from './common.js';

/**
 * Rolling batches: a single size (`2` or `"25%"`) repeats until every host is done; a list is a ramp of
 * cumulative targets — `[1, "10%", "50%", "100%"]` deploys 1 host, then up to 10% of the hosts, then 50%,
 * then all (a final 100% is implied).
 */
export const RollingSpec = z
  .object({
    batches: z.union([HostAmount, z.array(HostAmount).min(1)]).default({ percent: 100 }),
    /** Watched after each batch (health checks and alarms); the next batch starts when it ends. */
    bake: DurationMs.default(0),
    /** Deploy one zone at a time: the value of this host tag is the zone (any tag works, e.g. `rack`). */
    zoneTag: z.string().min(1).optional(),
    /** Bake after the first zone, usually longer (CodeDeploy's firstZoneMonitorDuration). Defaults to `bake`. */
    firstZoneBake: DurationMs.optional(),
    /** Minimum healthy hosts within each zone while it deploys (CodeDeploy's minimumHealthyHostsPerZone). */
    minHealthyPerZone: z.union([z.number().int().min(0).transform((count) => ({ count })), Percentage]).default({ percent: 0 }),
    /** How many failed hosts a batch, and the whole deployment, tolerate before it fails. */
    maxFailures: z
      .object({ perBatch: z.number().int().min(0).default(0), total: z.number().int().min(0).default(0) })
      .default({ perBatch: 0, total: 0 }),
  })
  .strict();
export type RollingSpec = z.output<typeof RollingSpec>;

/** `canary=true`-style selection of the canary hosts by a tag. */
const TagSelector = z.string().regex(/^[^=]+=.*$/, 'expected KEY=VALUE').transform((text) => {
  const [key, ...rest] = text.split('=');
  return { key: key!, value: rest.join('=') };
});

export const CanarySpec = z
  .object({
    /** The canary phase's hosts: a count, a percentage, or the hosts carrying a tag. Default: 1 host. */
    hosts: HostAmount.optional(),
    tag: TagSelector.optional(),
    bake: DurationMs.default(0),
    /** `auto`: the rest follows after the bake; `manual`: waits for `baton deployment promote`. */
    promote: z.enum(['auto', 'manual']).default('auto'),
    /** With a traffic router: the share of requests (0–100) the canary hosts receive during the phase. */
    trafficWeight: z.number().int().min(0).max(100).optional(),
    /** With a traffic router: requests matching this always reach the canary ("X-Canary: 1", or a cookie "canary=1"). */
    match: z
      .object({ header: z.string().regex(/^[^:]+:.*$/, 'expected "Name: value"').optional(), cookie: z.string().regex(/^[^=]+=.*$/).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((spec) => !(spec.hosts && spec.tag), 'give the canary hosts as `hosts` or as `tag`, not both');
export type CanarySpec = z.output<typeof CanarySpec>;

export const TrafficShift = z.discriminatedUnion('type', [
  z.object({ type: z.literal('AllAtOnce') }).strict(),
  z.object({ type: z.literal('TimeBasedCanary'), percentage: z.number().int().min(1).max(99), interval: DurationMs }).strict(),
  z.object({ type: z.literal('TimeBasedLinear'), percentage: z.number().int().min(1).max(99), interval: DurationMs }).strict(),
]);
export type TrafficShift = z.output<typeof TrafficShift>;

export const BlueGreenSpec = z
  .object({
    /** The host tag whose value names a host's environment. */
    environmentTag: z.string().min(1),
    /** The two values of that tag. */
    environments: z.tuple([z.string().min(1), z.string().min(1)]).default(['blue', 'green']),
    /** After the new environment validates: continue at once (0), after a time, or on `baton deployment continue`. */
    readyWait: z.union([z.literal('manual'), DurationMs]).default(0),
    /** How long the old environment is kept, during which a rollback only moves traffic back. */
    terminationWait: DurationMs.default(300_000),
    traffic: TrafficShift.default({ type: 'AllAtOnce' }),
  })
  .strict();
export type BlueGreenSpec = z.output<typeof BlueGreenSpec>;

export const StrategyType = z.enum(['inPlace', 'rolling', 'canary', 'blueGreen']);
export type StrategyType = z.infer<typeof StrategyType>;

export const Strategy = z
  .object({
    type: StrategyType.default('inPlace'),
    rolling: RollingSpec.optional(),
    canary: CanarySpec.optional(),
    blueGreen: BlueGreenSpec.optional(),
  })
  .strict()
  .superRefine((strategy, ctx) => {
    if (strategy.type === 'blueGreen' && !strategy.blueGreen) {
      ctx.addIssue({ code: 'custom', path: ['blueGreen'], message: 'a blueGreen strategy needs its blueGreen block (environmentTag at least)' });
    }
  });
export type Strategy = z.output<typeof Strategy>;
export type StrategyInput = z.input<typeof Strategy>;
