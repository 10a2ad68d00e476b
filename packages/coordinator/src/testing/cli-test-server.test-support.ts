import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/program.js';
import type { RunningServer } from '../server.js';
import { SERVER_SERVICES } from '../server-services.js';
import { startTempServer } from './temp-server.test-support.js';

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
  const temp = await startTempServer({ services: SERVER_SERVICES });
  const { server, adminToken } = temp;
  const filesDir = join(temp.dataDir, 'files');
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
    close: () => temp.close(),
  };
}
