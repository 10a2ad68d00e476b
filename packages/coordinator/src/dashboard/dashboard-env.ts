import type { Context, Hono } from 'hono';
import type { Logger } from 'pino';
import type { Principal } from '../access/policy.js';
import type { MetricsHistory } from '../health/metrics-history.js';
import type { HookOutputBus } from '../logs/hook-output-bus.js';
import type { EngineRunner } from '../runner/engine-runner.js';
import type { Database } from '../store/database.js';
import type { PageChrome } from './components/layout.js';
import type { Session } from './sessions.js';
import type { AssetName, StaticAsset } from './static-assets.js';

/** What the dashboard needs from the rest of the coordinator. */
export interface DashboardDeps {
  readonly runner: Pick<EngineRunner, 'feed' | 'stop' | 'rollback' | 'approve'>;
  readonly metrics: MetricsHistory;
  /** Live hook output (the log viewer's new lines); the backlog is read from the store. */
  readonly hookOutput: Pick<HookOutputBus, 'subscribe'>;
  /** Who a signed-in API token stands for; undefined once it is revoked or expired. */
  readonly authenticate: (db: Database, token: string, now: Date) => Principal | undefined;
}

/** The context of a signed-in dashboard request. */
export type DashboardEnv = { Variables: { principal: Principal; session: Session } };

/** What every page handler has: the dashboard's dependencies and the server's database, clock and logger. */
export interface DashboardContext extends DashboardDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly assets: ReadonlyMap<AssetName, StaticAsset>;
}

/** One part of the dashboard's routes, registered on its `/ui` sub-app (paths are relative to it). */
export type DashboardRoutes = (ui: Hono<DashboardEnv>, context: DashboardContext) => void;

/** The page chrome of a request: asset URLs, and who is signed in when someone is. */
export function chromeOf(c: Context<DashboardEnv>, assets: DashboardContext['assets']): PageChrome {
  const principal = c.get('principal') as Principal | undefined;
  const session = c.get('session') as Session | undefined;
  return {
    cssUrl: assets.get('dashboard.css')!.url,
    jsUrl: assets.get('dashboard.js')!.url,
    ...(principal ? { principal } : {}),
    ...(session ? { csrfToken: session.csrfToken } : {}),
  };
}
