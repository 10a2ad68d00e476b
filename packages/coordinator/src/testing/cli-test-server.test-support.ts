import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseServerConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';
import { runCli } from '../cli/program.js';
import { SERVER_SERVICES } from '../server-services.js';

/** Test support: a real coordinator (with the services `baton server` runs) on a free port, and the CLI run in-process against it. */
export interface CliTestServer {
  readonly server: RunningServer;
  readonly adminToken: string;
  /** Runs `baton --url … --token … <args>` and collects its output. */
  baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A scratch directory for the files a test hands the CLI (group files, ...), removed by `close`. */
  readonly filesDir: string;
  /** Writes `text` to `name` in `filesDir` and returns its path. */
  writeFile(name: string, text: string): string;
  close(): Promise<void>;
}

export async function startCliTestServer(): Promise<CliTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
  const config = parseServerConfig({ dataDir: dir, listen: '127.0.0.1:0' });
  if (!config.ok) throw new Error(config.error);
  const server = await startServer(config.value, { logger: pino({ level: 'silent' }), print: () => undefined, services: SERVER_SERVICES });
  const adminToken = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
  const filesDir = join(dir, 'files');
  mkdirSync(filesDir);
  return {
    server,
    adminToken,
    filesDir,
    writeFile(name, text) {
      const path = join(filesDir, name);
      writeFileSync(path, text);
      return path;
    },
    async baton(...args) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['--url', server.url, '--token', adminToken, ...args], {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
      });
      return { code, stdout, stderr };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
