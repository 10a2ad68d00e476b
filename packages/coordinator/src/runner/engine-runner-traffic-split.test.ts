/**
 * Canary traffic splits survive a coordinator killed between the commit that decided them and the router's
 * answer: the split waits in the outbox and the next coordinator, opened on the same SQLite file, applies it
 * to a real HAProxy. The weights asserted are HAProxy's own, read back through its runtime API.
 */
import { join } from 'node:path';
import { Strategy, type TrafficRouterSpec } from '@baton/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHaproxy, type RunningHaproxy } from '../../../../test/harness/haproxy.js';
import { openDatabase, type Database } from '../store/database.js';
import { updateDeploymentGroup } from '../store/deployment-groups.js';
import { readDeployment } from '../store/deployment-read-model.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { deployFixture, seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { FakeFleet } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { computeServerWeights } from '../traffic/compute-server-weights.js';
import { createTrafficRouter } from '../traffic/create-router.js';
import type { RoutedServer, TrafficRouter } from '../traffic/traffic-router.js';
import { EngineRunner } from './engine-runner.js';
import type { RouterFactory } from './traffic-driver.js';

const OPTIONS = { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 60_000 };
/** One canary host (`web-1`, the first by name) takes 10% and every `X-Canary: 1` request, then waits for promote. */
const CANARY = Strategy.parse({ type: 'canary', canary: { hosts: 1, promote: 'manual', trafficWeight: 10, match: { header: 'X-Canary: 1' } } });
const WAIT = { timeout: 10_000, interval: 10 };

/** The HAProxy router with some operations replaced, e.g. by `neverAnswered`; the others reach HAProxy as usual. */
function routerWith(replace: (real: TrafficRouter) => Partial<TrafficRouter>): RouterFactory {
  return (spec) => {
    const real = createTrafficRouter(spec);
    return {
      block: (hostName) => real.block(hostName),
      allow: (hostName) => real.allow(hostName),
      setWeights: (shares) => real.setWeights(shares),
      restoreWeights: () => real.restoreWeights(),
      routeMatchedTo: (hostNames) => real.routeMatchedTo(hostNames),
      describe: () => real.describe(),
      ...replace(real),
    };
  };
}

/** Router operations whose answer never came: the coordinator was killed while waiting for them. */
let unanswered: string[] = [];

/** The coordinator is killed while it waits for the answer to `operation`: the answer never comes. */
function neverAnswered(operation: string): Promise<void> {
  unanswered.push(operation);
  return new Promise<void>(() => {});
}

/** A router slow to set weights: they reach HAProxy only once the test calls `release`. */
function heldWeights() {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const setWeights = (real: TrafficRouter) => async (shares: Readonly<Record<string, number>>) => {
    await held;
    await real.setWeights(shares);
  };
  return { release, setWeights };
}

describe('EngineRunner traffic splits across a restart, against a real HAProxy', () => {
  let temp: TempDatabase;
  let db: Database;
  let haproxy: RunningHaproxy;
  let spec: Extract<TrafficRouterSpec, { type: 'haproxy' }>;
  let fixture: DeploymentFixture;
  let fleet: FakeFleet;
  let runners: EngineRunner[];
  let resources: string[];
  const now = Date.parse('2030-01-01T00:00:00.000Z');
  const clock = () => now;

  const startRunner = (routerFor?: RouterFactory): EngineRunner => {
    const runner = new EngineRunner(db, fleet, pino({ level: 'silent' }), { ...OPTIONS, ...(routerFor ? { routerFor } : {}) }, clock);
    runners.push(runner);
    fleet.attach(runner, clock);
    runner.recover();
    return runner;
  };

  /**
   * kill -9 of the coordinator while it waits for the router: its connections drop unnoticed; a new one opens
   * the same file with a working router.
   */
  const restart = async (dead: EngineRunner): Promise<void> => {
    await vi.waitFor(() => expect(unanswered).not.toEqual([]), WAIT);
    dead.close();
    db.close();
    fleet.dropAllSilently();
    db = openDatabase(join(temp.dir, 'baton.db'));
    startRunner();
    for (const host of fixture.hosts) fleet.connect(host.id);
  };

  const status = (id: string) => readDeployment(db, id)!.status;
  /** The hosts answer every command until the deployment reaches `wanted` (the router's answers come in between). */
  const driveUntil = (id: string, wanted: string) =>
    vi.waitFor(() => {
      fleet.answerAll();
      expect(status(id)).toBe(wanted);
    }, WAIT);
  const pendingSplits = () =>
    db.prepare(`SELECT json_extract(payload, '$.shares') FROM outbox WHERE json_extract(payload, '$.type') = 'SET_TRAFFIC_SPLIT'`).pluck().all();
  const routed = async () =>
    (await createTrafficRouter(spec).describe()).map(({ hostName, weight, matched }: RoutedServer) => ({ hostName, weight, matched }));
  const normal = [
    { hostName: 'web-1', weight: 1, matched: false },
    { hostName: 'web-2', weight: 1, matched: false },
    { hostName: 'web-3', weight: 1, matched: false },
  ];
  const canaryWeights = computeServerWeights({ 'web-1': 10, 'web-2': 45, 'web-3': 45 });
  const weighted = (matched: boolean) => [
    { hostName: 'web-1', weight: canaryWeights['web-1'], matched },
    { hostName: 'web-2', weight: canaryWeights['web-2'], matched: false },
    { hostName: 'web-3', weight: canaryWeights['web-3'], matched: false },
  ];

  beforeEach(async () => {
    resources = activeResources();
    temp = openTempDatabase();
    db = temp.db;
    runners = [];
    unanswered = [];
    // Nothing needs to answer behind HAProxy: the tests read its weights, they send no request.
    haproxy = await startHaproxy({ servers: { s1: 1, s2: 1, s3: 1 } });
    spec = { type: 'haproxy', adminSocket: haproxy.adminSocket, backend: haproxy.backend, canaryBackend: haproxy.canaryBackend, servers: { 'web-1': 's1', 'web-2': 's2', 'web-3': 's3' } };
    fixture = seedDeploymentFixture(db, new Date(now));
    updateDeploymentGroup(db, fixture.group.id, { strategy: CANARY, trafficRouter: spec }, new Date(now));
    fleet = new FakeFleet(fixture.hosts.map((host) => host.id));
  });

  afterEach(async () => {
    for (const runner of runners) runner.close();
    if (db.open) db.close();
    temp.cleanup();
    await haproxy.stop();
    await expectNothingLeaked(resources);
  });

  it('sets the canary weights a coordinator killed before the router call had decided', async () => {
    const first = startRunner(routerWith(() => ({ setWeights: () => neverAnswered('setWeights') })));
    const deployment = deployFixture(first, fixture);
    await driveUntil(deployment.id, 'Ready');
    expect(pendingSplits()).toHaveLength(1);
    expect(await routed()).toEqual(normal);

    await restart(first);
    await vi.waitFor(async () => expect(await routed()).toEqual(weighted(true)), WAIT);
    // Done, so it leaves the outbox: a third coordinator would not set it again.
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);
    expect(status(deployment.id)).toBe('Ready');
  });

  it('restores normal weights after the restart, never overtaken by the older canary split that was never answered', async () => {
    const first = startRunner(
      routerWith((real) => ({
        setWeights: async (shares) => {
          await real.setWeights(shares);
          return neverAnswered('setWeights');
        },
      })),
    );
    const deployment = deployFixture(first, fixture);
    await driveUntil(deployment.id, 'Ready');
    // HAProxy took the weights; the coordinator died before the header rule and before it heard back.
    await vi.waitFor(async () => expect(await routed()).toEqual(weighted(false)), WAIT);
    // Promote decides the restore, which replaces the unanswered canary split in the outbox.
    expect(first.approve(deployment.id, 'promote')).toBe('approved');
    expect(pendingSplits()).toEqual([null]);

    await restart(first);
    await vi.waitFor(async () => expect(await routed()).toEqual(normal), WAIT);
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);

    await driveUntil(deployment.id, 'Succeeded');
    expect(await routed()).toEqual(normal);
  });

  it('restores normal weights after the restart for a deployment that ended with that restore', async () => {
    const first = startRunner(routerWith(() => ({ restoreWeights: () => neverAnswered('restoreWeights') })));
    const deployment = deployFixture(first, fixture);
    await driveUntil(deployment.id, 'Ready');
    await vi.waitFor(async () => expect(await routed()).toEqual(weighted(true)), WAIT);
    expect(first.stop(deployment.id, false)).toBe('stopped');
    expect(status(deployment.id)).toBe('Stopped');

    await restart(first);
    await vi.waitFor(async () => expect(await routed()).toEqual(normal), WAIT);
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);
  });

  it('keeps a restore in the outbox when the older split it replaced is answered, until the restore itself is', async () => {
    const slow = heldWeights();
    const first = startRunner(routerWith((real) => ({ setWeights: slow.setWeights(real), restoreWeights: () => neverAnswered('restoreWeights') })));
    const deployment = deployFixture(first, fixture);
    await driveUntil(deployment.id, 'Ready');
    expect(first.approve(deployment.id, 'promote')).toBe('approved');
    slow.release();
    await vi.waitFor(async () => expect(await routed()).toEqual(weighted(true)), WAIT);
    expect(pendingSplits()).toEqual([null]);

    await restart(first);
    await vi.waitFor(async () => expect(await routed()).toEqual(normal), WAIT);
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);
  });

  it('applies splits in the order they were decided, however slowly the router answers the older one', async () => {
    const slow = heldWeights();
    const runner = startRunner(routerWith((real) => ({ setWeights: slow.setWeights(real) })));
    const deployment = deployFixture(runner, fixture);
    await driveUntil(deployment.id, 'Ready');
    expect(runner.approve(deployment.id, 'promote')).toBe('approved');
    slow.release();
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);
    expect(await routed()).toEqual(normal);
  });

  it('fails the deployment when the router refuses the split, and still carries out the restore it decides', async () => {
    // HAProxy knows no server for web-3, which the split gives a share: the router refuses it.
    const { 'web-3': _, ...twoServers } = spec.servers;
    updateDeploymentGroup(db, fixture.group.id, { trafficRouter: { ...spec, servers: twoServers } }, new Date(now));
    const runner = startRunner();
    const deployment = deployFixture(runner, fixture);
    await driveUntil(deployment.id, 'Failed');

    expect(readDeployment(db, deployment.id)!.errorInformation).toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining('host "web-3"') });
    await vi.waitFor(() => expect(pendingSplits()).toEqual([]), WAIT);
    expect(await routed()).toEqual(normal);
  });
});
