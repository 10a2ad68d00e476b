import { getApplication } from '../store/applications.js';
import type { Database } from '../store/database.js';
import { getDeployment } from '../store/deployments.js';
import { getRevision } from '../store/revisions.js';
import { MAX_JSON_BODY_BYTES, readText } from '../http/request-body.js';
import type { ApiRoute } from './api-route.js';

/** Routes that name their application in a field of the JSON body, or of the query. */
const NAMED_IN_BODY: Readonly<Record<string, string>> = {
  'post /deployments': 'applicationName',
  'put /group-files': 'application',
};
const NAMED_IN_QUERY: Readonly<Record<string, string>> = {
  'get /deployments': 'application',
};

/**
 * The name of the application a request concerns, for tokens limited to some applications: the `{app}` path
 * parameter; the application of the deployment or revision `{id}` under `/deployments` or `/revisions`; or the
 * field a route names it in. Undefined when the route concerns no application (hosts, tokens, the audit log)
 * or the resource does not exist (the handler then answers 404 or 400, touching nothing).
 * The body is read from a clone, so the handler still reads it whole.
 */
export async function findRouteApplication(db: Database, route: ApiRoute, request: Request): Promise<string | undefined> {
  if (route.params.app !== undefined) return route.params.app;
  const [, collection, id] = route.path.split('/');
  if (id === '{id}' && route.params.id !== undefined) {
    if (collection === 'deployments') return applicationName(db, getDeployment(db, route.params.id)?.applicationId);
    if (collection === 'revisions') return applicationName(db, getRevision(db, route.params.id)?.applicationId);
  }
  const key = `${route.method} ${route.path}`;
  const queryField = NAMED_IN_QUERY[key];
  if (queryField !== undefined) return new URL(request.url).searchParams.get(queryField) ?? undefined;
  const bodyField = NAMED_IN_BODY[key];
  return bodyField === undefined ? undefined : readBodyField(request.clone(), bodyField);
}

function applicationName(db: Database, applicationId: string | undefined): string | undefined {
  return applicationId === undefined ? undefined : getApplication(db, applicationId)?.name;
}

/** A string field of a JSON body; undefined for anything malformed, which the handler refuses on its own. */
async function readBodyField(request: Request, field: string): Promise<string | undefined> {
  try {
    const body: unknown = JSON.parse(await readText(request, MAX_JSON_BODY_BYTES));
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
