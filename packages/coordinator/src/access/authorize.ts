import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../http/errors.js';
import type { RouteDoc } from '../http/openapi/route-doc.js';
import type { ApiEnv } from '../http/route-module.js';
import type { Database } from '../store/database.js';
import { matchApiRoute, type ApiRoute } from './api-route.js';
import { allows, type Permission, type Principal } from './policy.js';
import { findRouteApplication } from './route-application.js';

/** What access was decided on; `authorize` sets it before letting a request through or refusing it. */
export interface RouteAccess {
  readonly route: ApiRoute;
  readonly doc: RouteDoc | undefined;
  /** The application the request concerns (see route-application.ts). */
  readonly application: string | undefined;
}

/**
 * Authorization for the API under `basePath`, in one place and denying by default: the matched route's doc
 * names the permission it needs, and `allows` decides for the caller's principal (set by the bearer auth
 * before this runs) and the application the request concerns. A route without a doc is refused, so a new
 * route cannot be forgotten. A request that matches no route passes on to the 404.
 */
export function authorize(db: Database, docs: readonly RouteDoc[], basePath: string): MiddlewareHandler<ApiEnv> {
  const docsByRoute = new Map(docs.map((doc) => [`${doc.method} ${doc.path}`, doc]));
  return async (c, next) => {
    const route = matchApiRoute(c, basePath);
    if (!route) return next();
    const doc = docsByRoute.get(`${route.method} ${route.path}`);
    const application = doc && (await findRouteApplication(db, route, c));
    c.set('access', { route, doc, application });
    if (!doc) throw new ApiError(403, 'FORBIDDEN', `${route.method.toUpperCase()} ${route.path} has no access rule, so it is refused`);
    const principal = c.get('principal');
    if (!allows(principal, doc.permission, application)) {
      throw new ApiError(403, 'FORBIDDEN', describeRefusal(principal, doc.permission, application));
    }
    return next();
  };
}

/** Names the missing permission and why: the role lacks it, or the token's application limits do. */
function describeRefusal(principal: Principal, permission: Permission, application: string | undefined): string {
  const limits = principal.applications === undefined ? '' : `, limited to ${principal.applications.join(', ') || 'no application'}`;
  const missing = `token '${principal.name}' (${principal.role}${limits}) lacks the '${permission}' permission`;
  if (!allows({ ...principal, applications: undefined }, permission)) return missing;
  if (application !== undefined) return `${missing} for application '${application}'`;
  return `${missing} beyond its applications: only an admin token not limited to applications has it`;
}
