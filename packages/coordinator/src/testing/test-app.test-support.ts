import type { Hono } from 'hono';
import { pino } from 'pino';
import { createApp } from '../http/app.js';
import type { RouteDoc } from '../http/openapi/route-doc.js';
import type { RouteModule } from '../http/route-module.js';
import { parseServerConfig } from '../config.js';
import { BlobStore } from '../revisions/blob-store.js';
import { RevisionResolver, type ResolverConfig } from '../revisions/revision-resolver.js';
import { createFirstAdminToken } from '../store/api-tokens.js';
import { loadSecretsKey } from '../variables/secrets-key.js';
import { openTempDatabase, type TempDatabase } from './temp-database.test-support.js';

/** Test support: the HTTP app over a real SQLite file and blob dir, an admin token, and a settable clock. */
export interface TestApp extends TempDatabase {
  readonly app: Hono;
  readonly blobs: BlobStore;
  readonly adminToken: string;
  /** The app's "now"; tests move it forward. */
  now: Date;
  /** `app.request` with the admin token, and a JSON body when `json` is given. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export interface TestAppOptions {
  readonly maxUploadBytes?: number;
  /** Revision settings over the defaults (S3 endpoint, Git base URLs, limits). */
  readonly revisions?: Partial<ResolverConfig>;
  readonly enrollTokenTtlMs?: number;
  readonly routes?: readonly RouteModule[];
  /** The access rules, when `routes` add routes the catalog does not document. */
  readonly routeDocs?: readonly RouteDoc[];
}

export function createTestApp(options: TestAppOptions = {}): TestApp {
  const temp = openTempDatabase();
  const blobs = new BlobStore(temp.dir, options.maxUploadBytes);
  const defaults = parseServerConfig({ dataDir: temp.dir });
  if (!defaults.ok) throw new Error(defaults.error);
  const logger = pino({ level: 'silent' });
  const resolver = new RevisionResolver(temp.db, blobs, { ...defaults.value, ...options.revisions }, logger, () => testApp.now);
  const issued = createFirstAdminToken(temp.db, new Date());
  if (!issued) throw new Error('a fresh database already had an admin token');
  const testApp: TestApp = {
    ...temp,
    cleanup() {
      resolver.close();
      temp.cleanup();
    },
    blobs,
    adminToken: issued.token,
    now: new Date('2030-01-01T00:00:00.000Z'),
    app: createApp({
      db: temp.db,
      dataDir: temp.dir,
      blobs,
      resolver,
      logger,
      clock: () => testApp.now,
      secretsKey: loadSecretsKey({ dataDir: temp.dir }, temp.db),
      enrollTokenTtlMs: options.enrollTokenTtlMs ?? 24 * 3_600_000,
      routes: options.routes ?? [],
      routeDocs: options.routeDocs,
    }),
    api(path, { json, ...init } = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${issued.token}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return Promise.resolve(
        testApp.app.request(path, { ...init, headers, ...(json === undefined ? {} : { body: JSON.stringify(json) }) }),
      );
    },
  };
  return testApp;
}
