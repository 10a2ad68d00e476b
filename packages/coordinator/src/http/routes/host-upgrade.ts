/**
 * Agent upgrades, one host at a time (`baton hosts upgrade` batches them and waits):
 * - `POST /hosts/:id/upgrade`: asks the host to upgrade to the package this coordinator serves (202). The upgrade
 *   waits until the host has no lifecycle work, then goes out (install/agent-upgrades.ts). Nothing is asked of a
 *   host that already runs that version (200, `requested: false`); refused (409 HOST_OFFLINE) for a host that is
 *   not connected.
 * - `GET /hosts/:id/upgrade`: the host's agent version, whether it is connected, and its last upgrade.
 */
import { z } from 'zod';
import type { AgentUpgrades } from '../../install/agent-upgrades.js';
import { getHostUpgrade, HostUpgradeState } from '../../store/host-upgrades.js';
import type { Host } from '../../store/hosts.js';
import { ApiError } from '../errors.js';
import { requireHost } from '../lookups.js';
import { IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import type { RouteModule } from '../route-module.js';
import { InstallPaths, loadAgentPackage } from './install.js';

export const UpgradeView = z.object({
  /** The version asked for. */
  version: z.string(),
  fromVersion: z.string().nullable(),
  state: z.enum(HostUpgradeState),
  message: z.string(),
  requestedAt: z.string(),
  updatedAt: z.string(),
});
export type UpgradeView = z.infer<typeof UpgradeView>;

export const HostUpgradeView = z.object({
  hostId: z.string(),
  agentVersion: z.string().nullable(),
  online: z.boolean(),
  lastUpgrade: UpgradeView.nullable(),
});
export type HostUpgradeView = z.infer<typeof HostUpgradeView>;

export const UpgradeRequestedView = HostUpgradeView.extend({
  /** The version this coordinator serves. */
  version: z.string(),
  /** False when the host already runs `version`. */
  requested: z.boolean(),
});
export type UpgradeRequestedView = z.infer<typeof UpgradeRequestedView>;

export const hostUpgradeRoutes =
  (upgrades: AgentUpgrades, gateway: { isConnected(hostId: string): boolean }, repoRoot?: string): RouteModule =>
  (api, { db, logger }) => {
    const view = (host: Host): HostUpgradeView => {
      const last = getHostUpgrade(db, host.id);
      return {
        hostId: host.id,
        agentVersion: host.agentVersion ?? null,
        online: gateway.isConnected(host.id),
        lastUpgrade: last
          ? { version: last.version, fromVersion: last.fromVersion ?? null, state: last.state, message: last.message, requestedAt: last.requestedAt, updatedAt: last.updatedAt }
          : null,
      };
    };

    api.post('/hosts/:id/upgrade', async (c) => {
      const host = requireHost(db, c.req.param('id'));
      const built = await loadAgentPackage(logger, repoRoot);
      if (host.agentVersion === built.version) return c.json<UpgradeRequestedView>({ ...view(host), version: built.version, requested: false });
      if (!gateway.isConnected(host.id)) throw new ApiError(409, 'HOST_OFFLINE', `host '${host.id}' is not connected`);
      // The URL this request reached us by is one hosts reach too (behind a proxy, its public one).
      const packageUrl = new URL(InstallPaths.agentPackage, c.req.url).toString();
      upgrades.request(host.id, { version: built.version, sha256: built.sha256, packageUrl });
      return c.json<UpgradeRequestedView>({ ...view(host), version: built.version, requested: true }, 202);
    });

    api.get('/hosts/:id/upgrade', (c) => c.json<HostUpgradeView>(view(requireHost(db, c.req.param('id')))));
  };

export const hostUpgradeRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/hosts/{id}/upgrade',
    summary: "Upgrade a host's agent to the package this coordinator serves, once the host has no lifecycle work (409 HOST_OFFLINE)",
    tag: 'hosts',
    permission: 'administer',
    params: IdParams,
    response: UpgradeRequestedView,
    status: 202,
  },
  {
    method: 'get',
    path: '/hosts/{id}/upgrade',
    summary: "A host's agent version, whether it is connected, and its last upgrade",
    tag: 'hosts',
    // Read, as `GET /hosts/{id}` is: `baton hosts get` shows it.
    permission: 'read',
    params: IdParams,
    response: HostUpgradeView,
  },
];
