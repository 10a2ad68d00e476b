import { Hono } from 'hono';
import { z } from 'zod';
import { authenticateApiToken } from '../store/api-tokens.js';
import { bearerAuth } from './bearer-auth.js';
import { ApiError, type ApiErrorBody } from './errors.js';
import type { ApiEnv, AppDeps, RouteModule } from './route-module.js';
import { mountAgentRoutes } from './routes/agent.js';
import { applicationRoutes } from './routes/applications.js';
import { deploymentGroupRoutes } from './routes/deployment-groups.js';
import { enrollmentTokenRoutes } from './routes/enrollment-tokens.js';
import { hostRoutes } from './routes/hosts.js';
import { mountInstallRoutes } from './routes/install.js';
import { revisionRoutes } from './routes/revisions.js';

const ADMIN_ROUTES: readonly RouteModule[] = [
  applicationRoutes,
  deploymentGroupRoutes,
  hostRoutes,
  enrollmentTokenRoutes,
  revisionRoutes,
];

/**
 * The coordinator's HTTP app: the admin API under `/api/v1` (bearer admin token) and the agent endpoints
 * under `/agent/v1` (enrollment token or host credential). Every failure is answered as `{code, message}`.
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
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round(performance.now() - started);
    deps.logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  });

  mountAgentRoutes(app, deps);
  mountInstallRoutes(app, deps);

  const api = new Hono<ApiEnv>();
  api.use(bearerAuth('apiToken', (token) => authenticateApiToken(deps.db, token)));
  for (const mount of [...ADMIN_ROUTES, ...(deps.routes ?? [])]) mount(api, deps);
  app.route('/api/v1', api);

  return app;
}

/** Names every offending field, e.g. `name: Too small; hostSelector.tagFilters.0.type: Invalid option`. */
function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
