/**
 * The TrafficRouter for HAProxy, driven through its runtime API so that nothing is reloaded. The group's
 * backend carries every host's server; the optional canary backend carries the same servers and takes the
 * requests that match the canary rule (an ACL in HAProxy's configuration, see docs/traffic-routing.md) while
 * at least one of its servers is ready.
 *
 * Changes are ordered so that the backend never has nobody to serve: servers gain traffic before others
 * lose it.
 */
import type { TrafficRouterSpec } from '@baton/shared';
import { computeServerWeights } from './compute-server-weights.js';
import { HaproxyRuntimeApi } from './haproxy-runtime-api.js';
import { ServerState, type RoutedServer, type TrafficRouter } from './traffic-router.js';

export type HaproxyRouterSpec = Extract<TrafficRouterSpec, { type: 'haproxy' }>;

export class HaproxyRouter implements TrafficRouter {
  constructor(
    private readonly spec: HaproxyRouterSpec,
    private readonly api = new HaproxyRuntimeApi(spec.adminSocket),
  ) {}

  /** Also takes the host out of the canary backend: a blocked host gets no request at all. */
  async block(hostName: string): Promise<void> {
    const server = this.serverOf(hostName);
    await this.api.setServerState(this.spec.backend, server, ServerState.Drain);
    if (this.spec.canaryBackend) await this.api.setServerState(this.spec.canaryBackend, server, ServerState.Maint);
  }

  async allow(hostName: string): Promise<void> {
    const server = this.serverOf(hostName);
    await this.api.setServerWeight(this.spec.backend, server, '100%');
    await this.api.setServerState(this.spec.backend, server, ServerState.Ready);
  }

  async setWeights(shares: Readonly<Record<string, number>>): Promise<void> {
    for (const hostName of Object.keys(shares)) this.serverOf(hostName);
    const everyHost = Object.fromEntries(Object.keys(this.spec.servers).map((hostName) => [hostName, shares[hostName] ?? 0]));
    const weights = Object.entries(computeServerWeights(everyHost));
    const gaining = weights.filter(([, weight]) => weight > 0);
    const losing = weights.filter(([, weight]) => weight === 0);
    for (const [hostName, weight] of [...gaining, ...losing]) {
      const server = this.serverOf(hostName);
      await this.api.setServerWeight(this.spec.backend, server, weight);
      // A host given a share serves it, even if it was drained before (blue/green swaps environments).
      if (weight > 0) await this.api.setServerState(this.spec.backend, server, ServerState.Ready);
    }
  }

  async restoreWeights(): Promise<void> {
    for (const server of Object.values(this.spec.servers)) await this.api.setServerWeight(this.spec.backend, server, '100%');
  }

  async routeMatchedTo(hostNames: readonly string[]): Promise<void> {
    const canaryBackend = this.spec.canaryBackend;
    if (!canaryBackend) {
      throw new Error(`the traffic router of backend "${this.spec.backend}" has no canaryBackend, so it cannot route matched requests`);
    }
    const matched = new Set(hostNames.map((hostName) => this.serverOf(hostName)));
    const unmatched = Object.values(this.spec.servers).filter((server) => !matched.has(server));
    for (const server of matched) await this.api.setServerState(canaryBackend, server, ServerState.Ready);
    for (const server of unmatched) await this.api.setServerState(canaryBackend, server, ServerState.Maint);
  }

  async describe(): Promise<RoutedServer[]> {
    const { backend, canaryBackend } = this.spec;
    const rows = await this.api.showServersState(backend);
    const canaryRows = canaryBackend ? await this.api.showServersState(canaryBackend) : [];
    return Object.entries(this.spec.servers).map(([hostName, server]) => {
      const row = rows.find((candidate) => candidate.server === server);
      if (!row) throw new Error(`HAProxy backend "${backend}" has no server "${server}" (mapped from host "${hostName}")`);
      const canaryRow = canaryRows.find((candidate) => candidate.server === server);
      return { hostName, server, state: row.state, weight: row.weight, matched: canaryRow?.state === ServerState.Ready };
    });
  }

  private serverOf(hostName: string): string {
    const server = this.spec.servers[hostName];
    if (server === undefined) {
      const known = Object.keys(this.spec.servers).join(', ');
      throw new Error(`host "${hostName}" has no server in the traffic router of backend "${this.spec.backend}" (mapped hosts: ${known})`);
    }
    return server;
  }
}
