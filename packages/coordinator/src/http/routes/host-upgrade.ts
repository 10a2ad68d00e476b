/**
 * Agent upgrades, one host at a time (`baton hosts upgrade` batches them and waits):
 * - `POST /hosts/:id/upgrade`: sends the host `upgrade-agent` for the package this coordinator serves. Refused
 *   (409) while the host is offline or one of its deployments is active; the agent itself also waits for its
 *   running event, so an upgrade never interrupts a lifecycle event.
 * - `GET /hosts/:id/upgrade`: the host's agent version, whether it is connected, and its answer to the last request.
 */
import type { Database } from '../../store/database.js';
import { getHost } from '../../store/hosts.js';
import type { AgentGateway } from '../../transport/agent-gateway.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../route-module.js';
import { InstallPaths, loadAgentPackage } from './install.js';

export const hostUpgradeRoutes =
  (gateway: AgentGateway, repoRoot?: string): RouteModule =>
  (api, { db, logger }) => {
    api.post('/hosts/:id/upgrade', async (c) => {
      const hostId = requireHostId(db, c.req.param('id'));
      const built = await loadAgentPackage(logger, repoRoot);
      if (getHost(db, hostId)?.agentVersion === built.version) return c.json({ hostId, version: built.version, sent: false });
      if (!gateway.isConnected(hostId)) throw new ApiError(409, 'HOST_OFFLINE', `host '${hostId}' is not connected`);
      if (isInActiveDeployment(db, hostId)) {
        throw new ApiError(409, 'HOST_BUSY', `host '${hostId}' is part of an active deployment; upgrade it once that finishes`);
      }
      const packageUrl = new URL(InstallPaths.agentPackage, c.req.url).toString();
      gateway.send(hostId, { type: 'upgrade-agent', version: built.version, packageUrl, sha256: built.sha256 });
      return c.json({ hostId, version: built.version, sent: true }, 202);
    });

    api.get('/hosts/:id/upgrade', (c) => {
      const hostId = requireHostId(db, c.req.param('id'));
      return c.json({
        hostId,
        agentVersion: getHost(db, hostId)?.agentVersion ?? null,
        online: gateway.isConnected(hostId),
        lastStatus: gateway.lastUpgradeStatus(hostId) ?? null,
      });
    });
  };

function requireHostId(db: Database, id: string): string {
  if (getHost(db, id) === undefined) throw new ApiError(404, 'NOT_FOUND', `host '${id}' not found`);
  return id;
}

function isInActiveDeployment(db: Database, hostId: string): boolean {
  const row = db
    .prepare(
      `SELECT 1 FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id
       WHERE dh.host_id = ? AND d.status IN ('InProgress', 'Baking', 'Ready') LIMIT 1`,
    )
    .get(hostId);
  return row !== undefined;
}
