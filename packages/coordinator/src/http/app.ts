import { Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../access/authorize.js';
import { principalForToken } from '../access/principal-for-token.js';
import { recordChanges } from '../access/record-changes.js';
import { recordRefusal, refusalOf } from '../access/record-refusal.js';
import { bearerAuth } from './bearer-auth.js';
import { limitRequestBody } from './body-limit.js';
import { ApiError, type ApiErrorBody } from './errors.js';
import { ROUTE_DOCS } from './openapi/catalog.js';
import { openApiRoute } from './openapi/openapi-route.js';
import { rateLimit } from './rate-limit.js';
import { limitJsonBody, MAX_JSON_BODY_BYTES } from './request-body.js';
import type { ApiEnv, AppDeps, RouteModule } from './route-module.js';
import { mountAgentRoutes } from './routes/agent.js';
import { applicationRoutes } from './routes/applications.js';
import { backupRoutes } from './routes/backup.js';
import { auditRoutes } from './routes/audit.js';
import { deploymentGroupRoutes } from './routes/deployment-groups.js';
import { enrollmentTokenRoutes } from './routes/enrollment-tokens.js';
import { hostRoutes } from './routes/hosts.js';
import { mountInstallRoutes } from './routes/install.js';
import { revisionRoutes } from './routes/revisions.js';
import { tokenRoutes } from './routes/tokens.js';
import { triggerRoutes } from './routes/triggers.js';

const ADMIN_ROUTES: readonly RouteModule[] = [
  applicationRoutes,
  deploymentGroupRoutes,
  hostRoutes,
  enrollmentTokenRoutes,
  revisionRoutes,
  tokenRoutes,
  auditRoutes,
  backupRoutes,
  triggerRoutes,
];

const API_BASE = '/api/v1';

/**
 * The coordinator's HTTP app: the admin API under `/api/v1` (an API token, its role and application limits
 * checked against each route's doc, every change audited) and the agent endpoints under `/agent/v1`
 * (enrollment token or host credential). Every failure is answered as `{code, message}`.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json<ApiErrorBody>({ code: error.code, message: error.message }, error.status);
    if (error instanceof z.ZodError) {
      return c.json<ApiErrorBody>({ code: 'VALIDATION_ERROR', message: describeZodError(error) }, 400);
    }
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json<ApiErrorBody>({ code: 'INTERNAL_ERROR', message: 'internal error' }, 500);
  });
  app.notFound((c) =>
    c.json<ApiErrorBody>({ code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  // The limits first: a flood or an oversized body costs as little as possible.
  if (deps.rateLimiter) app.use(rateLimit(deps.rateLimiter));
  // One limit for both: JSON bodies are read under it even where the body limit does not apply (the bundle
  // upload route, which also takes a JSON location).
  const maxBodyBytes = deps.maxRequestBodyBytes ?? MAX_JSON_BODY_BYTES;
  app.use(limitRequestBody(maxBodyBytes));
  app.use(limitJsonBody(maxBodyBytes));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round(performance.now() - started);
    deps.logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  });

  mountAgentRoutes(app, deps);
  mountInstallRoutes(app, deps);

  // Public, before the API's auth: a client reads the contract before it holds a token.
  openApiRoute(app, API_BASE);
  const api = new Hono<ApiEnv>();
  api.use(
    bearerAuth(
      'principal',
      (token) => principalForToken(deps.db, token, deps.clock()),
      (c, presented) => recordRefusal(deps.db, refusalOf(c, { channel: 'api', status: 401, presented, at: deps.clock() })),
    ),
  );
  api.use(recordChanges(deps.db, deps.clock, API_BASE));
  api.use(authorize(deps.db, deps.routeDocs ?? ROUTE_DOCS, API_BASE));
  for (const mount of [...ADMIN_ROUTES, ...(deps.routes ?? [])]) mount(api, deps);
  app.route(API_BASE, api);
  for (const mount of deps.pages ?? []) mount(app, deps);

  return app;
}

/** Names every offending field, e.g. `name: Too small; hostSelector.tagFilters.0.type: Invalid option`. */
function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
