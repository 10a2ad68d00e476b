import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { RouteAccess } from '../access/authorize.js';
import type { Principal } from '../access/policy.js';
import type { BlobStore } from '../revisions/blob-store.js';
import type { RevisionResolver } from '../revisions/revision-resolver.js';
import type { RateLimiter } from './rate-limit.js';
import type { Database } from '../store/database.js';
import type { SecretsKey } from '../variables/secrets-key.js';
import type { RouteDoc } from './openapi/route-doc.js';

/** What request handlers may use. Everything is injected; `clock` is the only source of "now". */
export interface AppDeps {
  readonly db: Database;
  /** Where `baton.db` and `blobs/` live: what a backup copies. */
  readonly dataDir: string;
  readonly blobs: BlobStore;
  /** Turns S3, Git and URL locations into registered revisions. */
  readonly resolver: RevisionResolver;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Seals secrets as they are set (triggers' signing secrets); the server loads it once, at start. */
  readonly secretsKey: SecretsKey;
  /** Requests per client address (shared with the agent gateway); no limit without one. */
  readonly rateLimiter?: RateLimiter;
  /** The largest request body but a bundle upload, JSON bodies included; MAX_JSON_BODY_BYTES by default. */
  readonly maxRequestBodyBytes?: number;
  /** Lifetime of an enrollment token created without an explicit ttl. */
  readonly enrollTokenTtlMs: number;
  /** Route modules mounted under `/api/v1` after the built-in ones (deployments, ...). */
  readonly routes?: readonly RouteModule[];
  /** The docs `/api/v1` routes are authorized by (each names its permission); the catalog's `ROUTE_DOCS` by default. */
  readonly routeDocs?: readonly RouteDoc[];
  /** Page modules mounted at the root, outside the API (the dashboard). */
  readonly pages?: readonly PageModule[];
}

/**
 * The admin API's context: every handler runs after bearer auth and authorization, with the caller's principal
 * and the route access was decided on (see access/authorize.ts).
 */
export type ApiEnv = { Variables: { principal: Principal; access: RouteAccess | undefined } };

/** A resource's routes, registered on the `/api/v1` sub-app (paths are relative to it). */
export type RouteModule = (api: Hono<ApiEnv>, deps: AppDeps) => void;

/**
 * Pages served outside `/api/v1` (the dashboard), registered on the root app. They authenticate on their own
 * and must keep their routes and middleware under their own path prefix.
 */
export type PageModule = (app: Hono, deps: AppDeps) => void;
