import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_GROUP_FILE } from '../../../../shared/src/group-spec/example-group-file.test-support.js';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';

describe('baton group apply and get --yaml', () => {
  let t: CliTestServer;
  beforeAll(async () => {
    t = await startCliTestServer();
    await t.baton('app', 'create', 'shop');
  });
  afterAll(() => t.close());

  it('applies the example file, prints it back as a file, and re-applies that file unchanged', async () => {
    const applied = await t.baton('group', 'apply', '-f', t.writeFile('web.yml', EXAMPLE_GROUP_FILE));
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^created deployment group shop\/web \(dg-\w+\)\n$/);
    expect(applied.stderr.split('\n')).toEqual([
      expect.stringMatching(/^warning: strategy\.canary\.match: .*canaryBackend/),
      "warning: trafficRouter.servers.h1: no host named 'h1' is enrolled yet",
      "warning: trafficRouter.servers.h2: no host named 'h2' is enrolled yet",
      '',
    ]);

    const first = await t.baton('group', 'get', 'shop', 'web', '--yaml');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(parse(first.stdout)).toMatchObject({
      application: 'shop',
      name: 'web',
      hosts: { tags: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }] },
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      strategy: {
        type: 'canary',
        canary: { hosts: 1, bake: '30s', match: { header: 'X-Canary: 1' } },
        rolling: { batches: [1, '10%', '50%', '100%'], firstZoneBake: '1m', minHealthyPerZone: '0%' },
        blueGreen: { readyWait: 'manual', terminationWait: '5m', traffic: { type: 'TimeBasedLinear', percentage: 25, interval: '30s' } },
      },
      trafficRouter: { servers: { h1: 'web1', h2: 'web2' } },
      alarms: [{ name: 'cpu', for: '1m' }, { name: 'errors', above: 0.05 }],
      autoRollback: { events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] },
      outdatedInstances: 'UPDATE',
    });

    const reapplied = await t.baton('group', 'apply', '--file', t.writeFile('web-again.yml', first.stdout));
    expect(reapplied.stdout).toMatch(/^unchanged deployment group shop\/web /);
    const second = await t.baton('group', 'get', 'shop', 'web', '--yaml');
    expect(second.stdout).toBe(first.stdout);
  });

  it('reads JSON files too, and shows the strategy in text and lists', async () => {
    const file = { application: 'shop', name: 'api', hosts: { tags: [{ key: 'role', value: 'api', type: 'KEY_AND_VALUE' }] }, strategy: { type: 'rolling', rolling: { batches: '25%' } } };
    const applied = await t.baton('--json', 'group', 'apply', '-f', t.writeFile('api.json', JSON.stringify(file)));
    expect(JSON.parse(applied.stdout)).toMatchObject({ outcome: 'created', strategy: { type: 'rolling', rolling: { batches: '25%' } }, warnings: [] });
    const text = await t.baton('group', 'get', 'shop', 'api');
    expect(text.stdout).toContain('strategy: rolling\n');
    expect(text.stdout).toContain('auto rollback: no\n');
    const list = await t.baton('group', 'list', 'shop');
    expect(list.stdout).toMatch(/^api\s+dg-\w+\s+rolling\s+CodeDeployDefault\.OneAtATime\s+no$/m);
  });

  it('reports refusals that name the field, unreadable files and malformed YAML', async () => {
    const badBake = EXAMPLE_GROUP_FILE.replace('bake: 30s, promote', 'bake: soon, promote');
    expect(await t.baton('group', 'apply', '-f', t.writeFile('bad.yml', badBake))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: VALIDATION_ERROR: strategy\.canary\.bake: expected a duration such as 30s/),
    });
    expect(await t.baton('group', 'apply', '-f', join(t.filesDir, 'missing.yml'))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --file: cannot read .*missing\.yml/),
    });
    expect(await t.baton('group', 'apply', '-f', t.writeFile('empty.yml', '# nothing yet\n'))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --file: .*empty\.yml is empty: a group file needs at least application, name and hosts/),
    });
    expect(await t.baton('group', 'apply', '-f', t.writeFile('broken.yml', 'name: [web'))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --file: .*broken\.yml is not valid YAML or JSON/),
    });
  });

  it('creates a group with automatic-rollback events and an outdated-instances rule from flags', async () => {
    const created = await t.baton(
      '--json', 'group', 'create', 'shop', 'batch', '--tag', 'role=batch',
      '--auto-rollback-events', 'DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST', '--outdated-instances', 'IGNORE',
    );
    expect(JSON.parse(created.stdout)).toMatchObject({
      autoRollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      autoRollback: true,
      outdatedInstances: 'IGNORE',
    });
    expect(await t.baton('group', 'create', 'shop', 'x', '--tag', 'a', '--auto-rollback-events', 'ON_FRIDAYS')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: --auto-rollback-events: unknown event "ON_FRIDAYS"/),
    });
    const both = await t.baton('group', 'create', 'shop', 'x', '--tag', 'a', '--auto-rollback', '--auto-rollback-events', '');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/cannot be used with/);
    const outdated = await t.baton('group', 'create', 'shop', 'x', '--tag', 'a', '--outdated-instances', 'SOMETIMES');
    expect(outdated.stderr).toMatch(/Allowed choices are UPDATE, IGNORE/);
  });
});
