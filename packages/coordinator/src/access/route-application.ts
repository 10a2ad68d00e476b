import type { Context, Env } from 'hono';
import { parseJsonBody, type ParsedJsonBody } from '../http/request-body.js';
import { getApplication } from '../store/applications.js';
import type { Database } from '../store/database.js';
import { getDeployment } from '../store/deployments.js';
import { getRevision } from '../store/revisions.js';
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
 * The body is parsed once for the request (see request-body.ts): the handler reads the same parse.
 */
export async function findRouteApplication<E extends Env>(db: Database, route: ApiRoute, c: Context<E>): Promise<string | undefined> {
  if (route.params.app !== undefined) return route.params.app;
  const [, collection, id] = route.path.split('/');
  if (id === '{id}' && route.params.id !== undefined) {
    if (collection === 'deployments') return applicationName(db, getDeployment(db, route.params.id)?.applicationId);
    if (collection === 'revisions') return applicationName(db, getRevision(db, route.params.id)?.applicationId);
  }
  const key = `${route.method} ${route.path}`;
  const queryField = NAMED_IN_QUERY[key];
  if (queryField !== undefined) return c.req.query(queryField);
  const bodyField = NAMED_IN_BODY[key];
  return bodyField === undefined ? undefined : stringField(await parseJsonBody(c), bodyField);
}

function applicationName(db: Database, applicationId: string | undefined): string | undefined {
  return applicationId === undefined ? undefined : getApplication(db, applicationId)?.name;
}

/**
 * A string field of the body; undefined for anything else, a body that failed to parse included: the access
 * check then goes on without an application, and the handler answers the parse's own 400 or 413.
 */
function stringField(body: ParsedJsonBody, field: string): string | undefined {
  if (!body.ok || typeof body.value !== 'object' || body.value === null) return undefined;
  const value = (body.value as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
