/**
 * New and returning hosts (`outdatedInstances: UPDATE`, the default): a host that matches a group but has
 * never received the group's last successful revision gets it without anyone asking — this is how a fleet
 * scales out. So does a host that vanished (frozen, cut off) while that revision was deployed and failed only
 * for being offline: it never had its chance. Each revision is offered once per host: a host whose scripts
 * failed, or whose update failed, is not retried in a loop.
 */
import { matchesSelector } from '@baton/shared';
import type { Database } from '../store/database.js';
import { listDeploymentGroups, type DeploymentGroup } from '../store/deployment-groups.js';
import { lastSuccessfulDeployment, willReachHost, type DeploymentRecord } from '../store/deployments.js';
import { listApplications } from '../store/applications.js';
import { lastDeploymentOnHost, type LastDeploymentOnHost } from '../store/host-history.js';
import type { Host } from '../store/hosts.js';

export interface OutdatedUpdate {
  readonly group: DeploymentGroup;
  readonly revisionOf: DeploymentRecord;
}

/** The groups whose last successful revision this host should receive now. */
export function outdatedUpdatesFor(db: Database, host: Host): OutdatedUpdate[] {
  const updates: OutdatedUpdate[] = [];
  for (const application of listApplications(db)) {
    for (const group of listDeploymentGroups(db, application.id)) {
      // Blue/green environments are deployed as a whole; a lone host joining one waits for the next deployment.
      if (group.outdatedInstances !== 'UPDATE' || group.strategy.type === 'blueGreen') continue;
      if (!matchesSelector(host.tags, group.hostSelector)) continue;
      const last = lastSuccessfulDeployment(db, group.id);
      if (!last) continue;
      const previous = lastDeploymentOnHost(db, group.id, host.id);
      if (previous?.revisionId === last.revisionId && !missedWhileOffline(previous)) continue;
      if (willReachHost(db, group.id, host.id)) continue;
      updates.push({ group, revisionOf: last });
    }
  }
  return updates;
}

const missedWhileOffline = (previous: LastDeploymentOnHost): boolean =>
  !previous.succeeded && previous.endedOffline && previous.creator !== 'autoUpdate';
