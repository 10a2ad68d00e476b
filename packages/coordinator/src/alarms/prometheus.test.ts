/**
 * The Prometheus side of alarms against a real Prometheus (Debian's package) scraping an endpoint the test
 * controls: the query client, and the evaluator firing once when the query crosses its threshold.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmSpec } from '@baton/shared';
import { startPrometheus, type RunningPrometheus } from '../../../../test/harness/prometheus.js';
import { eventually, sleep } from '../../../../test/harness/processes.js';
import type { DeploymentState } from '../engine/index.js';
import { AlarmEvaluator } from './alarm-evaluator.js';
import { queryPrometheus } from './prometheus-query.js';

describe('alarms against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ baton_test_error_ratio: 0, baton_test_other: 3 });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reads the values of an instant query, one per series, and a scalar', async () => {
    expect(await queryPrometheus(prometheus.url, 'baton_test_other', 2000)).toEqual({ ok: true, value: [3] });
    expect(await queryPrometheus(prometheus.url, '{__name__=~"baton_test_.*"}', 2000)).toEqual({ ok: true, value: expect.arrayContaining([0, 3]) });
    expect(await queryPrometheus(prometheus.url, 'scalar(baton_test_other) * 2', 2000)).toEqual({ ok: true, value: [6] });
    expect(await queryPrometheus(prometheus.url, 'no_such_metric', 2000)).toEqual({ ok: true, value: [] });
  });

  it('returns what went wrong for a bad query or an unreachable server', async () => {
    expect(await queryPrometheus(prometheus.url, 'rate(', 2000)).toEqual({ ok: false, error: expect.stringMatching(/refused the query: .*parse error/) });
    expect(await queryPrometheus('http://127.0.0.1:1', 'up', 2000)).toEqual({ ok: false, error: expect.stringMatching(/^cannot query http:\/\/127\.0\.0\.1:1: /) });
  });

  it('fires an alarm once, when its query crosses the threshold and stays there for `for`', async () => {
    const alarm = AlarmSpec.parse({ name: 'errors', type: 'prometheus', url: prometheus.url, query: 'baton_test_error_ratio', above: 0.05, for: '1s', interval: '200ms' });
    const fired: string[] = [];
    const evaluator = new AlarmEvaluator({
      alarmsOf: () => [alarm],
      samplesOf: () => [],
      unhealthyIn: () => new Map(),
      fire: (groupId, name, message) => fired.push(`${groupId} ${name}: ${message}`),
      logger: pino({ level: 'silent' }),
    });
    const deployment = { deploymentId: 'd1', context: { deploymentGroupId: 'g1', creator: 'user' }, hosts: [] } as unknown as DeploymentState;
    const evaluateFor = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) evaluator.evaluate([deployment], Date.now());
    };

    await evaluateFor(1500);
    expect(fired).toEqual([]);
    prometheus.setGauge('baton_test_error_ratio', 0.2);
    await prometheus.waitForValue('baton_test_error_ratio', 0.2);
    const crossedAt = Date.now();
    await eventually('the alarm to fire', async () => {
      await evaluateFor(100);
      return fired.length > 0 ? true : undefined;
    }, 10_000);
    // `for: 1s`: it needed readings above the threshold for a second, not just one.
    expect(Date.now() - crossedAt).toBeGreaterThanOrEqual(900);
    await evaluateFor(500);
    expect(fired).toEqual([expect.stringMatching(/^g1 errors: baton_test_error_ratio is 0.2 \(above 0.05\) for \d s$/)]);
  });
});
