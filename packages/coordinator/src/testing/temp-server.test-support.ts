import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseServerConfig, type ServerConfigInput } from '../config.js';
import { deploymentService } from '../runner/deployment-service.js';
import { startServer, type RunningServer, type StartServerOptions } from '../server.js';

/** Test support: a real coordinator on a free loopback port, in a data directory of its own. */
export interface TempServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** The admin token the first start wrote to the data directory. */
  readonly adminToken: string;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
}

export interface TempServerOptions {
  /** Configuration beyond the data directory and `127.0.0.1:0`. */
  readonly config?: ServerConfigInput;
  /** The deployment service by default. */
  readonly services?: StartServerOptions['services'];
  readonly clock?: StartServerOptions['clock'];
}

export async function startTempServer(options: TempServerOptions = {}): Promise<TempServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-server-'));
  try {
    const config = parseServerConfig({ dataDir, listen: '127.0.0.1:0', ...options.config });
    if (!config.ok) throw new Error(config.error);
    const server = await startServer(config.value, {
      logger: pino({ level: 'silent' }),
      services: options.services ?? [deploymentService],
      ...(options.clock ? { clock: options.clock } : {}),
      print: () => undefined,
    });
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    return {
      server,
      dataDir,
      adminToken,
      async close() {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
