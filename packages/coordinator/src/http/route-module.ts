import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { BlobStore } from '../revisions/blob-store.js';
import type { RevisionResolver } from '../revisions/revision-resolver.js';
import type { ApiToken } from '../store/api-tokens.js';
import type { Database } from '../store/database.js';

/** What request handlers may use. Everything is injected; `clock` is the only source of "now". */
export interface AppDeps {
  readonly db: Database;
  readonly blobs: BlobStore;
  /** Turns S3, Git and URL locations into registered revisions. */
  readonly resolver: RevisionResolver;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Lifetime of an enrollment token created without an explicit ttl. */
  readonly enrollTokenTtlMs: number;
  /** Route modules mounted under `/api/v1` after the built-in ones (deployments, ...). */
  readonly routes?: readonly RouteModule[];
}

/** The admin API's context: every handler runs after bearer auth, with the caller's token. */
export type ApiEnv = { Variables: { apiToken: ApiToken } };

/** A resource's routes, registered on the `/api/v1` sub-app (paths are relative to it). */
export type RouteModule = (api: Hono<ApiEnv>, deps: AppDeps) => void;
