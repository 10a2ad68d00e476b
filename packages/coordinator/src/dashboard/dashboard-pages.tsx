/**
 * The web dashboard, served by the coordinator under `/ui` (and `/` redirects there): server-rendered pages
 * (Hono JSX), one stylesheet and one small script served from `static/`, live updates as server-sent events,
 * and a cookie session made from an API token. See docs/dashboard.md.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../http/route-module.js';
import { ApiError } from '../http/errors.js';
import { Layout } from './components/layout.js';
import { chromeOf, type DashboardContext, type DashboardDeps, type DashboardEnv } from './dashboard-env.js';
import { deploymentActions } from './deployment-actions.js';
import { liveStreams } from './live-streams.js';
import { applicationPages } from './pages/applications.js';
import { deploymentPage } from './pages/deployment.js';
import { deploymentListPages } from './pages/deployments.js';
import { hostPages } from './pages/hosts.js';
import { signInRoutes, signOutRoute } from './pages/sign-in.js';
import { requireSession } from './session-auth.js';
import { SessionStore } from './sessions.js';
import { loadStaticAssets, type AssetName } from './static-assets.js';

/** Everything from this origin only: no inline script or style, no framing, forms post back here. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/** Mounts the dashboard on the server's root app (a `PageModule`). */
export function dashboardPages(deps: DashboardDeps) {
  return (app: Hono, { db, clock, logger }: Pick<AppDeps, 'db' | 'clock' | 'logger'>): void => {
    const context: DashboardContext = { ...deps, db, clock, logger: logger.child({ component: 'dashboard' }), assets: loadStaticAssets() };
    const sessions = new SessionStore();
    const ui = new Hono<DashboardEnv>();

    ui.onError((error, c) => {
      const known = error instanceof ApiError ? error : error instanceof z.ZodError ? new ApiError(400, 'VALIDATION_ERROR', 'That request is not valid.') : undefined;
      if (!known) context.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'dashboard request failed');
      const status = known?.status ?? 500;
      return c.html(
        <Layout chrome={chromeOf(c, context.assets)} title="Problem">
          <h1>{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
          <p class="problem" role="alert">
            {known?.message ?? 'The coordinator could not answer; its log says why.'}
          </p>
          <p>
            <a href="/ui/deployments">Back to the deployments</a>
          </p>
        </Layout>,
        status,
      );
    });
    ui.use(async (c, next) => {
      await next();
      c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Referrer-Policy', 'same-origin');
    });

    ui.get('/static/:name', (c) => {
      const asset = context.assets.get(c.req.param('name') as AssetName);
      if (!asset) throw new ApiError(404, 'NOT_FOUND', 'no such file');
      // A versioned URL never changes content; an unversioned one is revalidated.
      const cache = c.req.query('v') && asset.url.endsWith(`?v=${c.req.query('v')}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': cache });
    });
    signInRoutes(ui, context, sessions);

    // Everything registered after this needs a session (and a CSRF token unless it is a GET).
    ui.use(requireSession(sessions, context));
    signOutRoute(ui, sessions);
    ui.get('/', (c) => c.redirect('/ui/deployments', 303));
    // The streams first: `/deployments/stream` must not be taken for a deployment's id.
    for (const routes of [liveStreams, applicationPages, hostPages, deploymentListPages, deploymentPage, deploymentActions]) routes(ui, context);
    // Last: any other path under `/ui` gets the dashboard's not-found page, not the API's JSON answer.
    ui.all('*', () => {
      throw new ApiError(404, 'NOT_FOUND', 'There is no such page.');
    });

    // The dashboard's home is `/ui`; the server's root and `/ui/` lead there (before `/ui/*` takes every path).
    app.get('/', (c) => c.redirect('/ui', 303));
    app.get('/ui/', (c) => c.redirect('/ui', 303));
    app.route('/ui', ui);
  };
}
