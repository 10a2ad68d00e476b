import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { bootstrapAdminToken } from './admin-token.js';
import { lockDataDir } from './data-dir-lock.js';
import type { ServerConfig } from './config.js';
import { createApp } from './http/app.js';
import { RateLimiter } from './http/rate-limit.js';
import type { PageModule, RouteModule } from './http/route-module.js';
import { BlobStore } from './revisions/blob-store.js';
import { RevisionResolver } from './revisions/revision-resolver.js';
import { sealLegacyTriggerSecrets } from './notifications/seal-legacy-trigger-secrets.js';
import { openDatabase, type Database } from './store/database.js';
import { loadServerCertificate, type ServerCertificate } from './tls/server-certificate.js';
import { loadSecretsKey, type SecretsKey } from './variables/secrets-key.js';

/** What a service gets when it starts: the server's shared parts. */
export interface ServiceContext {
  readonly config: ServerConfig;
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Seals and opens stored secrets (variables, trigger secrets); loaded once, at start. */
  readonly secretsKey: SecretsKey;
  /** Not yet listening when services start; a WebSocket gateway attaches its `upgrade` handler here. */
  readonly httpServer: Server;
  /** Requests per client address, shared by the HTTP app and WebSocket upgrades. */
  readonly rateLimiter: RateLimiter;
}

/**
 * Something that lives as long as the server (the engine runner, the agent gateway). Services start in
 * order after the database opens and before the HTTP server listens, and stop in reverse order at close.
 */
export interface Service {
  readonly name: string;
  start(context: ServiceContext): Promise<RunningService> | RunningService;
}

export interface RunningService {
  /** Routes mounted under `/api/v1`, e.g. the deployments API that drives the runner. */
  readonly routes?: readonly RouteModule[];
  /** Pages mounted at the root, outside the API, e.g. the dashboard. */
  readonly pages?: readonly PageModule[];
  stop(): Promise<void> | void;
}

export interface StartServerOptions {
  readonly logger: Logger;
  readonly services?: readonly Service[];
  readonly clock?: () => Date;
  /** Prints a line for the operator (where the admin token was saved, on the first start); stdout by default. */
  readonly print?: (line: string) => void;
}

export interface RunningServer {
  /** The address actually bound, e.g. `http://127.0.0.1:41234` when port 0 was asked for. */
  readonly url: string;
  readonly httpServer: Server;
  readonly db: Database;
  readonly app: Hono;
  close(): Promise<void>;
}

/** A start refused for a reason the operator can fix, such as a data directory another coordinator uses. */
export class StartupError extends Error {
  constructor(
    readonly code: 'DATA_DIR_IN_USE' | 'SECRETS_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export async function startServer(config: ServerConfig, options: StartServerOptions): Promise<RunningServer> {
  const { logger, clock = () => new Date(), print = (line: string) => process.stdout.write(`${line}\n`) } = options;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(config.dataDir);
  if (!lock.ok) throw new StartupError('DATA_DIR_IN_USE', lock.error);
  let db: Database;
  let certificate: ServerCertificate | undefined;
  try {
    certificate = await serverCertificate(config);
    db = openDatabase(join(config.dataDir, 'baton.db'));
  } catch (error) {
    lock.value.release();
    throw error;
  }
  const running: { name: string; service: RunningService }[] = [];
  let app: Hono | undefined;
  // The app is created once every service has contributed its routes; nothing is served before listen.
  const fetch = (request: Request, env: unknown) => {
    if (!app) throw new Error('request before the server listened');
    return app.fetch(request, env);
  };
  // An HTTPS server is a TLS server with the HTTP server's interface: the gateway's `upgrade` works on both.
  const httpServer = (
    certificate
      ? createAdaptorServer({ fetch, createServer: createHttpsServer, serverOptions: { cert: certificate.cert, key: certificate.key } })
      : createAdaptorServer({ fetch })
  ) as Server;

  const close = async (): Promise<void> => {
    for (const { name, service } of running.splice(0).reverse()) {
      try {
        await service.stop();
      } catch (error) {
        logger.error({ err: error, service: name }, 'service failed to stop');
      }
    }
    await closeHttpServer(httpServer);
    if (db.open) db.close();
    lock.value.release();
  };

  try {
    // First: a missing or wrong key stops the start before anything listens or runs.
    const secretsKey = loadSecretsKey(config, db);
    const sealed = sealLegacyTriggerSecrets(db, secretsKey);
    if (sealed > 0) logger.info({ sealed }, 'sealed trigger secrets stored before they were sealed at rest');
    const admin = bootstrapAdminToken(db, config.dataDir, clock());
    // The path, never the token: stdout ends up in logs (journald), and a token must not.
    if (admin) print(`Admin token created: ${admin.path} (readable by its owner only)`);
    if (certificate?.generatedAt) print(`Generated a self-signed TLS certificate: ${certificate.generatedAt}`);
    if (config.tlsSelfSigned && certificate) print(`TLS certificate fingerprint (for baton-agent --coordinator-fingerprint): ${certificate.fingerprint}`);
    if (!certificate && !isLoopback(config.listen.host)) {
      logger.warn(
        { listen: config.listen.host },
        'serving plain HTTP beyond loopback: API tokens and host credentials travel unencrypted; use --tls-cert/--tls-key or --tls-self-signed',
      );
    }

    const blobs = new BlobStore(config.dataDir, config.maxUploadBytes);
    const resolver = new RevisionResolver(db, blobs, config, logger.child({ component: 'revisions' }), clock);
    running.push({ name: 'revisions', service: { stop: () => resolver.close() } });
    const rateLimiter = new RateLimiter(config.rateLimit);
    const context: ServiceContext = { config, db, blobs, logger, clock, secretsKey, httpServer, rateLimiter };
    for (const service of options.services ?? []) {
      running.push({ name: service.name, service: await service.start(context) });
      logger.debug({ service: service.name }, 'service started');
    }
    app = createApp({
      db,
      dataDir: config.dataDir,
      blobs,
      resolver,
      logger,
      clock,
      secretsKey,
      enrollTokenTtlMs: config.enrollTokenTtlMs,
      rateLimiter,
      maxRequestBodyBytes: config.maxRequestBodyBytes,
      routes: running.flatMap(({ service }) => service.routes ?? []),
      pages: running.flatMap(({ service }) => service.pages ?? []),
    });
    const url = await listen(httpServer, certificate ? 'https' : 'http', config.listen.host, config.listen.port);
    logger.info({ url, dataDir: config.dataDir }, 'coordinator listening');
    return { url, httpServer, db, app, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The certificate the configuration asks for, or undefined for plain HTTP. */
function serverCertificate(config: ServerConfig): Promise<ServerCertificate> | undefined {
  if (config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined) {
    return loadServerCertificate({ kind: 'files', certFile: config.tlsCertFile, keyFile: config.tlsKeyFile });
  }
  if (config.tlsSelfSigned) return loadServerCertificate({ kind: 'selfSigned', dataDir: config.dataDir, listenHost: config.listen.host });
  return undefined;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host.startsWith('127.');

function listen(server: Server, scheme: 'http' | 'https', host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`${scheme}://${shownHost}:${address.port}`);
    });
  });
}

function closeHttpServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(new Error('cannot close the HTTP server', { cause: error })) : resolve()));
    server.closeAllConnections();
  });
}
