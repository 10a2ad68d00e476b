import { describe, expect, it } from 'vitest';
import { AlarmSpec, type HostMetricsSample } from '@baton/shared';
import { evaluateAlarm, HOST_SAMPLE_MAX_AGE_MS, observePrometheus, sustainedBreach, type AlarmInputs, type Observation } from './evaluate-alarm.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (seconds: number) => T0 + seconds * 1000;

const sample = (seconds: number, cpuPercent: number, load1 = 0.1): HostMetricsSample => ({
  at: new Date(at(seconds)).toISOString(),
  cpuPercent,
  memoryPercent: 40,
  diskPercent: 30,
  load1,
});
const obs = (seconds: number, breaching: boolean, value = breaching ? 1 : 0): Observation => ({ at: at(seconds), breaching, value });

const inputs = (overrides: Partial<AlarmInputs> = {}): AlarmInputs => ({
  hosts: [
    { hostId: 'h1', name: 'web1' },
    { hostId: 'h2', name: 'web2' },
  ],
  samplesOf: () => [],
  unhealthy: new Map(),
  readings: [],
  ...overrides,
});

describe('sustainedBreach', () => {
  it.each([
    ['no observation', [], 0, 10, undefined],
    ['one breaching observation, for 0', [obs(10, true)], 0, 10, at(10)],
    ['the latest does not breach', [obs(0, true), obs(10, false)], 0, 10, undefined],
    ['a run long enough', [obs(0, false), obs(10, true), obs(20, true), obs(30, true)], 20, 30, at(10)],
    ['a run not yet long enough', [obs(0, false), obs(10, true), obs(20, true), obs(30, true)], 30, 30, undefined],
    ['the same run, later', [obs(0, false), obs(10, true), obs(20, true), obs(30, true)], 30, 40, at(10)],
    ['a break restarts the run', [obs(0, true), obs(10, false), obs(20, true), obs(30, true)], 20, 30, undefined],
    ['a run from the first observation', [obs(0, true), obs(10, true)], 10, 10, at(0)],
    ['a stale latest observation', [obs(0, true)], 0, 61, undefined],
  ])('%s', (_name, observations, forSeconds, nowSeconds, since) => {
    const breach = sustainedBreach(observations, forSeconds * 1000, at(nowSeconds), 60_000);
    expect(breach?.since).toBe(since);
  });
});

describe('observePrometheus', () => {
  it.each([
    ['above: one series crosses', [0.01, 0.2], { above: 0.05 }, { breaching: true, value: 0.2 }],
    ['above: none crosses', [0.01, 0.02], { above: 0.05 }, { breaching: false, value: 0.01 }],
    ['below: crosses', [5, 0.5], { below: 1 }, { breaching: true, value: 0.5 }],
    ['both bounds, inside', [3], { above: 5, below: 1 }, { breaching: false, value: 3 }],
    ['equal to the bound is not past it', [5], { above: 5 }, { breaching: false, value: 5 }],
    ['no data', [], { above: 0 }, { breaching: false }],
  ])('%s', (_name, values, bounds, expected) => {
    expect(observePrometheus(at(0), values, bounds)).toEqual({ at: at(0), ...expected });
  });
});

describe('evaluateAlarm', () => {
  const alarm = (spec: unknown) => AlarmSpec.parse(spec);

  it.each([
    ['cpu above 90 for 20 s on one host', { metric: 'cpu', above: 90, for: '20s' }, { h2: [sample(0, 50), sample(10, 95), sample(20, 97), sample(30, 99)] }, 30, 'cpu on web2 is 99 (above 90) for 20 s'],
    ['the same, 10 s too early', { metric: 'cpu', above: 90, for: '30s' }, { h2: [sample(0, 50), sample(10, 95), sample(20, 97), sample(30, 99)] }, 30, undefined],
    ['above 0 for 0 s: any sample', { metric: 'cpu', above: 0 }, { h1: [sample(0, 0.5)] }, 1, 'cpu on web1 is 0.5 (above 0)'],
    ['load uses the 1-minute load', { metric: 'load', above: 4 }, { h1: [sample(0, 10, 6.5)] }, 1, 'load on web1 is 6.5 (above 4)'],
    ['a host outside the deployment does not count', { metric: 'cpu', above: 90 }, { h9: [sample(0, 100)] }, 1, undefined],
    ['samples that stopped coming are stale', { metric: 'cpu', above: 90 }, { h1: [sample(0, 100)] }, HOST_SAMPLE_MAX_AGE_MS / 1000 + 1, undefined],
  ])('hostMetric: %s', (_name, spec, samples, nowSeconds, message) => {
    const bySamples = samples as Record<string, HostMetricsSample[]>;
    const verdict = evaluateAlarm(alarm({ name: 'cpu', type: 'hostMetric', ...spec }), inputs({ samplesOf: (hostId) => bySamples[hostId] ?? [] }), at(nowSeconds));
    expect(verdict).toEqual(message ? { fired: true, message } : { fired: false });
  });

  it.each([
    ['a host of the deployment is unhealthy', new Map([['h2', 'GET /health answered 500']]), 'web2 is unhealthy: GET /health answered 500'],
    ['only hosts of other deployments', new Map([['h9', 'down']]), undefined],
    ['nobody', new Map<string, string>(), undefined],
  ])('healthCheck: %s', (_name, unhealthy, message) => {
    const verdict = evaluateAlarm(alarm({ name: 'health', type: 'healthCheck' }), inputs({ unhealthy }), at(0));
    expect(verdict).toEqual(message ? { fired: true, message } : { fired: false });
  });

  const prometheus = { name: 'errors', type: 'prometheus', url: 'http://127.0.0.1:9090', query: 'rate(errors[1m])', interval: '1s' };
  it.each([
    ['above, for 0', { above: 0.05 }, [obs(0, false, 0), obs(1, true, 0.2)], 1, 'rate(errors[1m]) is 0.2 (above 0.05)'],
    ['above, for 2 s, lasted', { above: 0.05, for: '2s' }, [obs(0, true, 0.2), obs(1, true, 0.2), obs(2, true, 0.3)], 2, 'rate(errors[1m]) is 0.3 (above 0.05) for 2 s'],
    ['above, for 2 s, not yet', { above: 0.05, for: '2s' }, [obs(0, false), obs(1, true, 0.2), obs(2, true, 0.3)], 2, undefined],
    ['below', { below: 1 }, [obs(0, true, 0.5)], 0, 'rate(errors[1m]) is 0.5 (below 1)'],
    ['no reading for three intervals', { above: 0.05 }, [obs(0, true, 0.2)], 4, undefined],
    ['no readings yet', { above: 0.05 }, [], 0, undefined],
  ])('prometheus: %s', (_name, spec, readings, nowSeconds, message) => {
    const verdict = evaluateAlarm(alarm({ ...prometheus, ...spec }), inputs({ readings }), at(nowSeconds));
    expect(verdict).toEqual(message ? { fired: true, message } : { fired: false });
  });
});
