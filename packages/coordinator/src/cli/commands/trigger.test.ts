import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CreatedTriggerView, DeliveryView, TriggerView } from '../../notifications/trigger-views.js';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';

const GROUP_FILE = `application: shop
name: web
hosts: {tags: [{key: role, value: web, type: KEY_AND_VALUE}]}
triggers:
  - {name: ops, url: "https://hooks.example.com/baton", events: [DeploymentFailure, DeploymentStop]}
`;

describe('baton trigger, and triggers in group files', () => {
  let t: CliTestServer;
  beforeAll(async () => {
    t = await startCliTestServer();
    await t.baton('app', 'create', 'shop');
  });
  afterAll(() => t.close());

  it('applies a file with a trigger, shows its new secret once, and round-trips through get --yaml', async () => {
    const applied = await t.baton('group', 'apply', '-f', t.writeFile('web.yml', GROUP_FILE));
    expect(applied.code).toBe(0);
    const secretLine = /^signing secret of trigger ops \((trs-\w+)\), shown only now: (\S+)$/m.exec(applied.stdout);
    expect(secretLine).not.toBeNull();

    const printed = await t.baton('group', 'get', 'shop', 'web', '--yaml');
    expect(parse(printed.stdout).triggers).toEqual([
      { name: 'ops', url: 'https://hooks.example.com/baton', events: ['DeploymentFailure', 'DeploymentStop'], format: 'json', secretRef: secretLine![1] },
    ]);
    expect(printed.stdout).not.toContain(secretLine![2]);
    const reapplied = await t.baton('group', 'apply', '-f', t.writeFile('web-again.yml', printed.stdout));
    expect(reapplied.stdout).toMatch(/^unchanged deployment group shop\/web \(dg-\w+\)\n$/);
  });

  it('creates, lists and deletes a trigger', async () => {
    const created = await t.baton('--json', 'trigger', 'create', 'shop', 'web', '--webhook-url', 'https://chat.example.com/hook', '--events', 'all', '--format', 'slack');
    expect(created.code).toBe(0);
    const trigger = JSON.parse(created.stdout) as CreatedTriggerView;
    expect(trigger).toMatchObject({ name: 'chat.example.com', format: 'slack', secret: expect.any(String) });
    expect(trigger.events).toHaveLength(10);

    const given = await t.baton('trigger', 'create', 'shop', 'web', '--name', 'own', '--webhook-url', 'https://own.example.com/', '--events', 'InstanceFailure', '--secret', 'sixteen-chars-or-more');
    expect(given.stdout).toMatch(/^created trigger own of shop\/web: InstanceFailure → https:\/\/own\.example\.com\/\nsigning with the given secret \(trs-\w+\)\n$/);

    const list = await t.baton('trigger', 'list', 'shop', 'web');
    expect(list.stdout.split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['NAME', 'chat.example.com', 'ops', 'own', '']);
    expect(list.stdout).not.toContain(trigger.secret!);

    expect((await t.baton('trigger', 'delete', 'shop', 'web', 'own')).stdout).toBe('deleted trigger own of shop/web\n');
    const after = JSON.parse((await t.baton('--json', 'trigger', 'list', 'shop', 'web')).stdout) as TriggerView[];
    expect(after.map((item) => item.name)).toEqual(['chat.example.com', 'ops']);
  });

  it('refuses an unknown event before calling the coordinator', async () => {
    const refused = await t.baton('trigger', 'create', 'shop', 'web', '--webhook-url', 'https://x.example.com/', '--events', 'DeploymentSucess');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('--events: unknown DeploymentSucess') });
  });

  it('shows the delivery log', async () => {
    const deliveries = await t.baton('--json', 'trigger', 'deliveries', 'shop', 'web');
    expect(JSON.parse(deliveries.stdout) as DeliveryView[]).toEqual([]);
    expect((await t.baton('trigger', 'deliveries', 'shop', 'web')).stdout).toMatch(/^CREATED\s+TRIGGER\s+EVENT\s+DEPLOYMENT\s+STATUS\s+ATTEMPTS\s+LAST RESPONSE\s+DELIVERY\n$/);
  });
});
