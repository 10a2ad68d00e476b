import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveHostAmount } from './common.js';
import { EXAMPLE_GROUP_FILE } from './example-group-file.test-support.js';
import { GroupFile } from './group-file.js';


describe('the group file', () => {
  it('reads the documented example, with durations in milliseconds', () => {
    const group = GroupFile.parse(parse(EXAMPLE_GROUP_FILE));
    expect(group.strategy.type).toBe('canary');
    expect(group.strategy.canary).toMatchObject({ hosts: { count: 1 }, bake: 30_000, promote: 'auto', trafficWeight: 10 });
    expect(group.strategy.rolling).toMatchObject({
      batches: [{ count: 1 }, { percent: 10 }, { percent: 50 }, { percent: 100 }],
      bake: 30_000,
      firstZoneBake: 60_000,
      maxFailures: { perBatch: 0, total: 1 },
    });
    expect(group.strategy.blueGreen).toMatchObject({ readyWait: 'manual', terminationWait: 300_000, traffic: { type: 'TimeBasedLinear', percentage: 25, interval: 30_000 } });
    expect(group.healthChecks[0]).toMatchObject({ interval: 5000, timeout: 2000, unhealthyAfter: 3 });
    expect(group.alarms.map((a) => a.type)).toEqual(['hostMetric', 'prometheus']);
  });

  it('fills in the defaults of a minimal file', () => {
    const group = GroupFile.parse({ application: 'shop', name: 'web', hosts: { tags: [{ key: 'role', type: 'KEY_ONLY' }] } });
    expect(group).toMatchObject({
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      strategy: { type: 'inPlace' },
      healthChecks: [],
      alarms: [],
      autoRollback: { events: [] },
      outdatedInstances: 'UPDATE',
    });
  });

  it.each([
    [{ strategy: { type: 'blueGreen' } }, 'strategy.blueGreen'],
    [{ strategy: { type: 'rolling', rolling: { bake: 'soon' } } }, 'strategy.rolling.bake'],
    [{ strategy: { type: 'canary', canary: { hosts: 1, tag: 'canary=true' } } }, 'strategy.canary'],
    [{ alarms: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, type: 'healthCheck' })) }, 'alarms'],
    [{ colour: 'blue' }, ''],
  ])('refuses %o, naming %s', (extra, path) => {
    const result = GroupFile.safeParse({ application: 'shop', name: 'web', hosts: { tags: [{ key: 'role', type: 'KEY_ONLY' }] }, ...extra });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it.each([
    [{ count: 3 }, 10, 3],
    [{ count: 30 }, 10, 10],
    [{ percent: 10 }, 10, 1],
    [{ percent: 10 }, 3, 1],
    [{ percent: 50 }, 9, 5],
    [{ percent: 100 }, 7, 7],
  ])('resolves %o of %i hosts to %i', (amount, total, expected) => {
    expect(resolveHostAmount(amount, total)).toBe(expected);
  });
});
