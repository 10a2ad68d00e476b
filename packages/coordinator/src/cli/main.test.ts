import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The real entry point in child processes: `baton server` in one, client commands in others. */
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

function baton(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root, env: { ...process.env, ...env } });
}

async function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Resolves once the server printed its admin token (stdout) and its address (the JSON log on stderr). */
async function waitUntilListening(server: ChildProcess): Promise<{ url: string; token: string }> {
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const check = () => {
      const tokenFile = /Admin token created: (\S+)/.exec(stdout)?.[1];
      const token = tokenFile && readFileSync(tokenFile, 'utf8').trim();
      const url = /"url":"(http:[^"]+)"/.exec(stderr)?.[1];
      if (token && url) resolve({ url, token });
    };
    server.stdout?.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), check()));
    server.stderr?.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), check()));
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

describe('baton (child processes)', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-main-'));
  });
  afterEach(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await once(server, 'exit');
    }
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a server, answers commands configured from the environment, and stops on SIGTERM', async () => {
    server = baton(['server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--heartbeat-interval', '2s']);
    const { url, token } = await waitUntilListening(server);

    const created = await output(baton(['--json', 'app', 'create', 'web'], { BATON_URL: url, BATON_TOKEN: token }));
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'web' });
    const hosts = await output(baton(['--json', 'hosts', 'list'], { BATON_URL: url, BATON_TOKEN: token }));
    expect(hosts).toEqual({ code: 0, stdout: '[]\n', stderr: '' });

    const exited = output(server);
    server.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('refuses an invalid configuration with every problem and exit 1', async () => {
    const result = await output(baton(['server', '--data-dir', dataDir, '--listen', 'nowhere', '--heartbeat-interval', 'often']));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: INVALID_CONFIG: listen: expected HOST:PORT.*; heartbeatIntervalMs: expected a duration/);
  });
});
