/**
 * `baton var` against a real coordinator: in-process for the usual commands, and as the real entry point in a
 * child process where stdin matters (a secret read from it) and where a start must fail on a bad key.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';
import { loadSecretsKey } from '../../variables/secrets-key.js';
import { VariableVault } from '../../variables/variable-vault.js';

const root = fileURLToPath(new URL('../../../../..', import.meta.url));
const main = fileURLToPath(new URL('../main.ts', import.meta.url));

/** The real `baton` in a child process, with `stdin` written to it and closed. */
async function batonProcess(args: readonly string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('baton var', () => {
  let t: CliTestServer;
  beforeAll(async () => {
    t = await startCliTestServer();
    expect((await t.baton('app', 'create', 'shop')).code).toBe(0);
    const group = await t.baton('group', 'create', 'shop', 'prod', '--tag', 'env=prod');
    expect(group).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const ok = async (...args: string[]): Promise<string> => {
    const result = await t.baton(...args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout;
  };

  it('sets, lists and unsets variables of an application and a group, never printing a secret', async () => {
    expect(await ok('var', 'set', 'shop', 'URL=https://db.example/?a=b')).toBe('set URL on shop\n');
    expect(await ok('var', 'set', 'shop', '--group', 'prod', 'API_KEY=k-123456', '--secret')).toBe('set API_KEY on shop/prod (secret)\n');

    const list = await ok('var', 'list', 'shop');
    expect(list).toMatch(/^NAME\s+VALUE\s+SECRET\s+UPDATED\nURL\s+https:\/\/db\.example\/\?a=b\s+no\s+\S+\n$/);
    const groupList = JSON.parse(await ok('--json', 'var', 'list', 'shop', '--group', 'prod'));
    expect(groupList).toEqual([expect.objectContaining({ name: 'API_KEY', value: '****', secret: true, scope: 'group' })]);

    expect(await ok('var', 'unset', 'shop', 'URL')).toBe('removed URL from shop\n');
    expect(await ok('--json', 'var', 'list', 'shop')).toBe('[]\n');
    expect(await t.baton('var', 'unset', 'shop', 'URL')).toMatchObject({ code: 1, stderr: "error: NOT_FOUND: variable 'URL' not found\n" });
  });

  it('refuses an assignment without a value unless it is a secret', async () => {
    expect(await t.baton('var', 'set', 'shop', 'URL')).toMatchObject({
      code: 1,
      stderr: 'error: INVALID_ARGUMENT: expected NAME=VALUE (or NAME alone with --secret, to read the value from stdin), not "URL"\n',
    });
  });

  it('reads a secret from stdin, so that it stays out of the shell history', async () => {
    const value = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----';
    const set = await batonProcess(['--url', t.server.url, '--token', t.adminToken, 'var', 'set', 'shop', 'TLS_KEY', '--secret'], `${value}\n`);
    expect(set).toEqual({ code: 0, stdout: 'set TLS_KEY on shop (secret)\n', stderr: '' });
    const group = t.server.db.prepare<[], { id: string }>("SELECT id FROM deployment_groups WHERE name = 'prod'").get()!;
    const vault = new VariableVault(t.server.db, loadSecretsKey({ dataDir: dirname(t.server.db.name) }, t.server.db));
    expect(vault.forGroup(group.id).secrets).toMatchObject({ TLS_KEY: value });
  });
});

describe('baton server with a bad secrets key', () => {
  it('refuses to start with one clear line, naming the file and never its content', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-var-'));
    try {
      const keyFile = join(dataDir, 'absent.key');
      const result = await batonProcess(['server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--secrets-key-file', keyFile]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: SECRETS_KEY: the secrets key file ${keyFile} does not exist (expected 32 random bytes in base64, e.g. from \`openssl rand -base64 32\`)\n`,
      );
      expect(() => readFileSync(keyFile)).toThrow(/ENOENT/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
