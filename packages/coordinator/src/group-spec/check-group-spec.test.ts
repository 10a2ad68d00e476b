import { Strategy, TrafficRouterSpec, type HostSelector } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { checkGroupSpec, type FleetHost } from './check-group-spec.js';

const web: HostSelector = { tagFilters: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }], tagSet: [] };
const router = (servers: Record<string, string>, canaryBackend?: string) =>
  TrafficRouterSpec.parse({ type: 'haproxy', adminSocket: '/run/haproxy.sock', backend: 'app', servers, ...(canaryBackend ? { canaryBackend } : {}) });
const fleet: FleetHost[] = [
  { name: 'web-1', tags: { role: 'web' } },
  { name: 'web-2', tags: { role: 'web' } },
  { name: 'db-1', tags: { role: 'db' } },
];
const check = (strategy: unknown, trafficRouter?: TrafficRouterSpec) =>
  checkGroupSpec({ hostSelector: web, strategy: Strategy.parse(strategy), trafficRouter }, fleet);

describe('checking a group spec beyond its schema', () => {
  it('refuses a blueGreen strategy without a traffic router, naming the field', () => {
    expect(check({ type: 'blueGreen', blueGreen: { environmentTag: 'env' } })).toEqual({
      ok: false,
      error: { field: 'trafficRouter', message: expect.stringMatching(/^a blueGreen strategy needs a trafficRouter/) },
    });
    expect(check({ type: 'blueGreen', blueGreen: { environmentTag: 'env' } }, router({ 'web-1': 's1', 'web-2': 's2' }))).toEqual({
      ok: true,
      value: [],
    });
  });

  it('accepts a blueGreen block that is not the chosen strategy without a router', () => {
    expect(check({ type: 'rolling', blueGreen: { environmentTag: 'env' } })).toEqual({ ok: true, value: [] });
  });

  it.each([
    [{ type: 'canary', canary: { trafficWeight: 10 } }, undefined, ['strategy.canary.trafficWeight']],
    [{ type: 'canary', canary: { trafficWeight: 10, match: { header: 'X-Canary: 1' } } }, undefined, ['strategy.canary.trafficWeight', 'strategy.canary.match']],
    [{ type: 'canary', canary: { match: { cookie: 'canary=1' } } }, router({ 'web-1': 'a', 'web-2': 'b' }), ['strategy.canary.match']],
    [{ type: 'canary', canary: { match: { cookie: 'canary=1' } } }, router({ 'web-1': 'a', 'web-2': 'b' }, 'app-canary'), []],
    [{ type: 'canary', canary: { hosts: 1 } }, undefined, []],
  ])('warns when canary traffic settings have no effect: %j', (strategy, trafficRouter, fields) => {
    const checked = check(strategy, trafficRouter);
    expect(checked.ok && checked.value.map((warning) => warning.field)).toEqual(fields);
  });

  it('warns about servers of unknown hosts, of hosts outside the group, and hosts without a server', () => {
    const checked = check({ type: 'inPlace' }, router({ 'web-1': 'a', 'web-9': 'b', 'db-1': 'c' }));
    expect(checked).toEqual({
      ok: true,
      value: [
        { field: 'trafficRouter.servers.web-9', message: "no host named 'web-9' is enrolled yet" },
        { field: 'trafficRouter.servers.db-1', message: "host 'db-1' is not in the group: its tags do not match" },
        { field: 'trafficRouter.servers', message: "no server for the group's hosts web-2: their traffic cannot be drained or switched" },
      ],
    });
  });
});
