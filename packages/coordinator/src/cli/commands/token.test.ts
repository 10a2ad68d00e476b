import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../http/routes/audit.js';
import type { ApiTokenView, CreatedApiTokenView } from '../../http/routes/tokens.js';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';

describe('baton token and baton audit', () => {
  let t: CliTestServer;
  beforeAll(async () => {
    t = await startCliTestServer();
    expect((await t.baton('app', 'create', 'web')).code).toBe(0);
  });
  afterAll(() => t.close());

  it('creates a limited, expiring token whose --json answer carries the token, and that token works with its role only', async () => {
    const created = await t.baton('--json', 'token', 'create', '--role', 'viewer', '--name', 'ci', '--app', 'web', '--ttl', '30d');
    expect(created.code).toBe(0);
    const view = JSON.parse(created.stdout) as CreatedApiTokenView;
    expect(view).toMatchObject({ token: expect.stringMatching(/^tok-[a-z2-7]+\./), name: 'ci', role: 'viewer', applications: ['web'], state: 'active' });
    expect(Date.parse(view.expiresAt!) - Date.parse(view.createdAt)).toBe(30 * 86_400_000);

    expect(await t.baton('--token', view.token, 'app', 'list')).toMatchObject({ code: 0, stdout: expect.stringContaining('web') });
    const refused = await t.baton('--token', view.token, 'app', 'create', 'other');
    expect(refused).toMatchObject({ code: 1, stderr: "error: FORBIDDEN: token 'ci' (viewer, limited to web) lacks the 'administer' permission\n" });
  });

  it('prints the token alone as text, lists tokens and revokes one', async () => {
    const created = await t.baton('token', 'create', '--role', 'deployer');
    expect(created.stdout).toMatch(/^tok-[a-z2-7]+\.\S+\n$/);
    const id = created.stdout.slice(0, created.stdout.indexOf('.'));

    const listed = await t.baton('token', 'list');
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+deployer\\s+deployer\\s+\\*\\s+active\\s+-`));
    expect(listed.stdout).not.toContain(created.stdout.trim());

    expect(await t.baton('token', 'revoke', id)).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
    const list = JSON.parse((await t.baton('--json', 'token', 'list')).stdout) as ApiTokenView[];
    expect(list.find((token) => token.id === id)?.state).toBe('revoked');
    expect((await t.baton('--token', created.stdout.trim(), 'app', 'list')).stderr).toMatch(/^error: UNAUTHENTICATED/);
  });

  it('refuses a role that does not exist before asking the server', async () => {
    const refused = await t.baton('token', 'create', '--role', 'root');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("argument 'root' is invalid");
  });

  it('shows the audit log with the socket address the change came from', async () => {
    const entries = JSON.parse((await t.baton('--json', 'audit', '--since', '1h')).stdout) as AuditEntryView[];
    const appCreated = entries.findLast((entry) => entry.action === 'POST /applications'); // newest first: the oldest is `app create web`
    expect(appCreated).toMatchObject({ actor: { name: 'admin' }, status: 201, source: { channel: 'api', address: expect.stringMatching(/127\.0\.0\.1$/) } });
    const table = await t.baton('audit', '--limit', '1');
    expect(table.stdout.split('\n')[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+TARGET\s+STATUS\s+FROM$/);
    expect((await t.baton('audit', '--since', 'yesterday-ish')).stderr).toContain('--since: expected a duration');
  });
});
