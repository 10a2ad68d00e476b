/**
 * A real coordinator for fuzzing, in this process: `startServer` with the deployment service on port 0, over
 * a SQLite file in a temp dir. Whatever the fuzzer sends reaches the same code a production coordinator runs;
 * what the coordinator logs at error level is kept, since an internal failure there is a finding too.
 * Nothing it is configured with reaches the network: S3, Git shorthands and fetch timeouts point at a closed
 * loopback port or are short.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseServerConfig, type ServerConfigInput } from '../../../packages/coordinator/src/config.js';
import { deploymentService } from '../../../packages/coordinator/src/runner/deployment-service.js';
import { startServer, type RunningServer } from '../../../packages/coordinator/src/server.js';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';

export interface FuzzCoordinator {
  readonly server: RunningServer;
  readonly dataDir: string;
  readonly adminToken: string;
  /** Log lines written at error level or above, as JSON text. */
  readonly loggedErrors: readonly string[];
  /** `app.request` under `/api/v1` with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startFuzzCoordinator(overrides: ServerConfigInput = {}): Promise<FuzzCoordinator> {
  const root = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
  const dataDir = join(root, 'data');
  const config = parseServerConfig({
    dataDir,
    listen: '127.0.0.1:0',
    heartbeatIntervalMs: 60_000,
    revisionFetchTimeoutMs: 2000,
    s3: { endpoint: CLOSED_PORT_URL, forcePathStyle: true, accessKeyId: 'fuzz', secretAccessKey: 'fuzz' },
    git: { githubUrl: CLOSED_PORT_URL, bitbucketUrl: CLOSED_PORT_URL },
    webhooks: { attempts: 1, timeoutMs: 1000 },
    ...overrides,
  });
  if (!config.ok) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`fuzz coordinator config: ${config.error}`);
  }
  const loggedErrors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void loggedErrors.push(line) });
  const server = await startServer(config.value, { logger, print: () => undefined, services: [deploymentService] }).catch((error: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  return {
    server,
    dataDir,
    adminToken,
    loggedErrors,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${adminToken}`);
      return Promise.resolve(server.app.request(`/api/v1${path}`, { ...init, headers }));
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
