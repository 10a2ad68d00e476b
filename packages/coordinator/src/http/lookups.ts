import { getApplicationByName, type Application } from '../store/applications.js';
import type { Database } from '../store/database.js';
import { getDeploymentGroupByName, type DeploymentGroup } from '../store/deployment-groups.js';
import { getHost, type Host } from '../store/hosts.js';
import { ApiError } from './errors.js';

/** Lookups by path parameter that answer 404 `NOT_FOUND` when the resource does not exist. */
export function requireApplication(db: Database, name: string): Application {
  const application = getApplicationByName(db, name);
  if (!application) throw new ApiError(404, 'NOT_FOUND', `application '${name}' not found`);
  return application;
}

export function requireDeploymentGroup(db: Database, application: Application, name: string): DeploymentGroup {
  const group = getDeploymentGroupByName(db, application.id, name);
  if (!group) throw new ApiError(404, 'NOT_FOUND', `deployment group '${name}' of application '${application.name}' not found`);
  return group;
}

export function requireHost(db: Database, id: string): Host {
  const host = getHost(db, id);
  if (!host) throw hostNotFound(id);
  return host;
}

/** For a host that vanished between the look-up and a write. */
export const hostNotFound = (id: string): ApiError => new ApiError(404, 'NOT_FOUND', `host '${id}' not found`);
