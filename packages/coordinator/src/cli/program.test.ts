import { AgentPaths, type EnrollResponse } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestServer, type CliTestServer } from '../testing/cli-test-server.test-support.js';
import { runCli } from './program.js';
import { readJson } from '../testing/read-json.test-support.js';

describe('baton CLI against a real coordinator', () => {
  let t: CliTestServer;
  beforeAll(async () => {
    t = await startCliTestServer();
  });
  afterAll(() => t.close());

  const json = async (...args: string[]) => {
    const result = await t.baton('--json', ...args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };

  it('creates an enrollment token a host can enroll with, then lists the host', async () => {
    const created = await json('enroll-token', 'create', '--ttl', '1h');
    expect(created).toEqual({ id: expect.stringMatching(/^et-/), token: expect.any(String), expiresAt: expect.any(String) });
    const text = await t.baton('enroll-token', 'create');
    expect(text.stdout).toMatch(/^et-\w+\.[\w-]+\n$/);

    const enrolled = await fetch(`${t.server.url}${AgentPaths.enroll}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: created.token, name: 'web-1', tags: { env: 'prod', role: 'web' } }),
    });
    const { hostId } = await readJson<EnrollResponse>(enrolled);

    expect(await json('hosts', 'list')).toEqual([
      { hostId, name: 'web-1', tags: { env: 'prod', role: 'web' }, online: false, agentVersion: null, cpuPercent: null, memoryPercent: null },
    ]);
    const table = await t.baton('hosts', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+HOST ID\s+STATUS\s+CPU\s+MEM\s+AGENT\s+TAGS$/);
    expect(table.stdout).toContain('env=prod,role=web');

    const tokens = await json('enroll-token', 'list');
    expect(tokens.map((token: { id: string }) => token.id)).toContain(created.id);
    expect(JSON.stringify(tokens)).not.toContain(created.token);
    expect(await json('enroll-token', 'revoke', created.id)).toMatchObject({ id: created.id, state: 'revoked' });
  });

  it('creates and lists applications, and reports a duplicate as an error', async () => {
    expect(await t.baton('app', 'create', 'shop')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created application shop \(app-/) });
    expect(await json('app', 'list')).toEqual([expect.objectContaining({ name: 'shop' })]);
    expect(await t.baton('app', 'create', 'shop')).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: ALREADY_EXISTS: application 'shop' already exists\n",
    });
  });

  it('creates a group from tag flags and a custom minimum, and shows it', async () => {
    await t.baton('app', 'create', 'api');
    const group = await json('group', 'create', 'api', 'prod', '--tag', 'tier=gold', '--tag', 'canary', '--min-healthy', 'FLEET_PERCENT:40', '--auto-rollback');
    expect(group).toMatchObject({
      name: 'prod',
      hostSelector: {
        tagFilters: [
          { key: 'tier', value: 'gold', type: 'KEY_AND_VALUE' },
          { key: 'canary', type: 'KEY_ONLY' },
        ],
        tagSet: [],
      },
      deploymentConfig: { name: 'Custom(FLEET_PERCENT:40)' },
      autoRollback: true,
    });
    const tagSet = await json('group', 'create', 'api', 'eu', '--tag-group', 'env=prod,env=staging', '--tag-group', 'region=eu', '--config', 'HalfAtATime');
    expect(tagSet.hostSelector.tagSet).toHaveLength(2);
    expect(tagSet.deploymentConfig.name).toBe('CodeDeployDefault.HalfAtATime');

    expect((await json('group', 'get', 'api', 'prod')).hosts).toEqual([]);
    const text = await t.baton('group', 'get', 'api', 'eu');
    expect(text.stdout).toContain('configuration: CodeDeployDefault.HalfAtATime');
    expect((await json('group', 'list', 'api')).map((g: { name: string }) => g.name)).toEqual(['eu', 'prod']);
  });

  it('reports bad flags and server refusals as `error: CODE: message` with exit 1', async () => {
    expect(await t.baton('group', 'create', 'api', 'bad', '--tag', '=')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --tag: invalid tag filter/),
    });
    expect(await t.baton('group', 'create', 'api', 'bad', '--tag', 'a', '--min-healthy', 'HALF')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --min-healthy: /),
    });
    expect(await t.baton('group', 'create', 'nope', 'bad', '--tag', 'a')).toMatchObject({
      code: 1,
      stderr: "error: NOT_FOUND: application 'nope' not found\n",
    });
    expect(await t.baton('enroll-token', 'create', '--ttl', 'soon')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --ttl: /) });
  });

  it('reports a missing token and an unreachable server', async () => {
    const output: string[] = [];
    const io = { stdout: (text: string) => output.push(text), stderr: (text: string) => output.push(text) };
    expect(await runCli(['--url', t.server.url, 'app', 'list'], io)).toBe(1);
    expect(output.pop()).toBe('error: UNAUTHENTICATED: a valid bearer token is required\n');
    expect(await runCli(['--url', 'http://127.0.0.1:1', '--token', 'x', 'app', 'list'], io)).toBe(1);
    expect(output.pop()).toMatch(/^error: UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:1: /);
  });

  it('leaves usage errors to commander', async () => {
    const result = await t.baton('app', 'create');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing required argument 'name'/);
  });
});
