import { DeploymentStatus } from '@baton/shared';
import { z } from 'zod';
import type { Principal } from '../access/policy.js';
import { getApplicationByName } from '../store/applications.js';
import type { Database } from '../store/database.js';
import { queryDeployments, type DeploymentView } from '../store/deployment-read-model.js';
import { getDeploymentGroupByName } from '../store/deployment-groups.js';
import { readableBy } from './read-access.js';

/** The deployments list's filters, from its query string; an empty field means "any". */
export const DeploymentFilter = z.object({
  application: z.string().trim().optional().transform((value) => value || undefined),
  group: z.string().trim().optional().transform((value) => value || undefined),
  status: z
    .enum(Object.values(DeploymentStatus) as [DeploymentStatus, ...DeploymentStatus[]])
    .or(z.literal(''))
    .optional()
    .transform((value) => value || undefined),
});
export type DeploymentFilter = z.infer<typeof DeploymentFilter>;

const PAGE_SIZE = 50;

/**
 * The newest deployments matching the filter that the principal may read. A group without an application
 * matches that group name in every application. An unknown application or group matches nothing (a filter,
 * not a lookup: a stale link shows an empty list, not an error).
 */
export function findDeployments(db: Database, filter: DeploymentFilter, principal: Principal): DeploymentView[] {
  const application = filter.application === undefined ? undefined : getApplicationByName(db, filter.application);
  if (filter.application !== undefined && !application) return [];
  const group = filter.group !== undefined && application ? getDeploymentGroupByName(db, application.id, filter.group) : undefined;
  if (application && filter.group !== undefined && !group) return [];
  const found = queryDeployments(db, {
    ...(application ? { applicationId: application.id } : {}),
    ...(group ? { groupId: group.id } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    limit: PAGE_SIZE,
  });
  const inGroup = filter.group === undefined ? found : found.filter((deployment) => deployment.deploymentGroupName === filter.group);
  return readableBy(principal, inGroup, (deployment) => deployment.applicationName);
}

/** The filter as a query string (`?application=shop&status=Failed`), for the page's live stream. */
export const filterQuery = (filter: DeploymentFilter): string => {
  const params = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return params.size > 0 ? `?${params}` : '';
};
