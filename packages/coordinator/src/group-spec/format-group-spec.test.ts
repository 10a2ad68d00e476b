import { AlarmSpec, GroupFile, HealthCheckSpec, Strategy } from '@baton/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_GROUP_FILE } from '../../../shared/src/group-spec/example-group-file.test-support.js';
import { formatAlarm, formatHealthCheck, formatStrategy } from './format-group-spec.js';

/** The contract: what the formatter writes, the schema reads back as the value it started from. */
const roundTrips = (strategy: unknown) => {
  const parsed = Strategy.parse(strategy);
  expect(Strategy.parse(formatStrategy(parsed))).toEqual(parsed);
};

describe('formatting a group spec back into its file form', () => {
  const example = GroupFile.parse(parse(EXAMPLE_GROUP_FILE));

  it('writes the example strategy as a person would, every default included', () => {
    expect(formatStrategy(example.strategy)).toEqual({
      type: 'canary',
      rolling: {
        batches: [1, '10%', '50%', '100%'],
        bake: '30s',
        zoneTag: 'zone',
        firstZoneBake: '1m',
        minHealthyPerZone: '0%',
        maxFailures: { perBatch: 0, total: 1 },
      },
      canary: { hosts: 1, bake: '30s', promote: 'auto', trafficWeight: 10, match: { header: 'X-Canary: 1' } },
      blueGreen: {
        environmentTag: 'env',
        environments: ['blue', 'green'],
        readyWait: 'manual',
        terminationWait: '5m',
        traffic: { type: 'TimeBasedLinear', percentage: 25, interval: '30s' },
      },
    });
    expect(example.healthChecks.map(formatHealthCheck)).toEqual([
      { type: 'http', url: 'http://127.0.0.1:8080/health', expectStatus: 200, interval: '5s', timeout: '2s', unhealthyAfter: 3 },
    ]);
    expect(example.alarms.map(formatAlarm)).toEqual([
      { name: 'cpu', type: 'hostMetric', metric: 'cpu', above: 90, for: '1m' },
      { name: 'errors', type: 'prometheus', url: 'http://127.0.0.1:9090', query: 'rate(errors[1m])', above: 0.05, for: 0, interval: '5s' },
    ]);
  });

  it.each([
    [{ type: 'inPlace' }],
    [{}],
    [{ type: 'rolling', rolling: { batches: '25%' } }],
    [{ type: 'rolling', rolling: { batches: 2, minHealthyPerZone: 0, bake: '1500ms' } }],
    [{ type: 'rolling', rolling: { batches: [2], minHealthyPerZone: 3, maxFailures: { total: 2 } } }],
    [{ type: 'canary', canary: { tag: 'ring=canary=1', promote: 'manual', match: { cookie: 'canary=1' } } }],
    [{ type: 'canary', canary: { hosts: '5%', trafficWeight: 0 } }],
    [{ type: 'blueGreen', blueGreen: { environmentTag: 'colour', environments: ['a', 'b'], readyWait: '90s', terminationWait: 0 } }],
    [{ type: 'blueGreen', blueGreen: { environmentTag: 'env', traffic: { type: 'TimeBasedCanary', percentage: 10, interval: '2h' } } }],
  ])('round-trips the strategy %j', (strategy) => roundTrips(strategy));

  it('round-trips every health check and alarm type', () => {
    const checks = [
      { type: 'command', command: 'curl -sf localhost', interval: '1d', timeout: 250, unhealthyAfter: 1 },
      { type: 'http', url: 'http://localhost/' },
    ].map((check) => HealthCheckSpec.parse(check));
    expect(checks.map((check) => HealthCheckSpec.parse(formatHealthCheck(check)))).toEqual(checks);
    const alarms = [
      { name: 'hc', type: 'healthCheck' },
      { name: 'load', type: 'hostMetric', metric: 'load', above: 4 },
      { name: 'latency', type: 'prometheus', url: 'http://prom:9090', query: 'p99', below: 1, interval: '1m' },
    ].map((alarm) => AlarmSpec.parse(alarm));
    expect(alarms.map((alarm) => AlarmSpec.parse(formatAlarm(alarm)))).toEqual(alarms);
  });

  it('round-trips any duration and host amount', () => {
    const amount = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`));
    fc.assert(
      fc.property(fc.nat(), fc.nat(), amount, fc.array(amount, { minLength: 1, maxLength: 5 }), (bake, firstZoneBake, batch, ramp) => {
        roundTrips({ type: 'rolling', rolling: { batches: batch, bake, firstZoneBake } });
        roundTrips({ type: 'rolling', rolling: { batches: ramp } });
        roundTrips({ type: 'canary', canary: { hosts: batch, bake } });
      }),
    );
  });
});
