import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedTriggerView, DeliveryView, TriggerView } from '../../notifications/trigger-views.js';
import { toGroupFile } from '../../cli/to-group-file.js';
import { enqueueDelivery } from '../../notifications/delivery-store.js';
import { openTriggerSecret } from '../../notifications/trigger-secret-box.js';
import { listTriggers, triggerSecrets } from '../../notifications/trigger-store.js';
import { loadSecretsKey } from '../../variables/secrets-key.js';
import { readJson } from '../../testing/read-json.test-support.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import type { DeploymentGroupDetailView, GroupFileAppliedView } from '../views.js';

const groupPath = '/api/v1/applications/shop/deployment-groups/web';
const groupFile = (triggers: unknown[]) => ({
  application: 'shop',
  name: 'web',
  hosts: { tags: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }] },
  triggers,
});
const ops = { name: 'ops', url: 'https://hooks.example.com/baton', events: ['DeploymentFailure', 'DeploymentStop'] };

describe('the triggers API', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = createTestApp();
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'shop' } });
    await t.api('/api/v1/group-files', { method: 'PUT', json: groupFile([]) });
  });
  afterEach(() => t.cleanup());

  const create = (json: unknown) => t.api(`${groupPath}/triggers`, { method: 'POST', json });
  const groupId = () => t.db.prepare<[], { id: string }>("SELECT id FROM deployment_groups WHERE name = 'web'").get()!.id;

  it('adds a trigger with a secret it makes and shows once, then lists it without the secret', async () => {
    const response = await create({ url: 'https://hooks.slack.com/services/T0/B0/x', events: ['DeploymentSuccess'], format: 'slack' });
    expect(response.status).toBe(201);
    const created = await readJson<CreatedTriggerView>(response);
    expect(created).toMatchObject({ name: 'hooks.slack.com', format: 'slack', events: ['DeploymentSuccess'], secretRef: expect.stringMatching(/^trs-/) });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await readJson<TriggerView[]>(await t.api(`${groupPath}/triggers`));
    expect(listed).toEqual([{ name: 'hooks.slack.com', url: 'https://hooks.slack.com/services/T0/B0/x', events: ['DeploymentSuccess'], format: 'slack', secretRef: created.secretRef, createdAt: t.now.toISOString(), updatedAt: t.now.toISOString() }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret!);
  });

  it('signs with a secret the caller gives, and never answers it', async () => {
    const created = await readJson<CreatedTriggerView>(await create({ ...ops, secret: 'a-secret-of-our-own' }));
    expect(created.secret).toBeNull();
    const [stored] = triggerSecrets(t.db, groupId());
    expect(stored).toMatchObject({ name: 'ops', secretRef: created.secretRef });
    expect(openTriggerSecret(loadSecretsKey({ dataDir: t.dir }, t.db), stored!)).toBe('a-secret-of-our-own');
  });

  it('keeps no trigger secret in the database file, given or made, one at a time or by group file', async () => {
    await create({ ...ops, secret: 'a-secret-of-our-own' });
    const made = await readJson<CreatedTriggerView>(await create({ ...ops, name: 'made' }));
    const applied = await readJson<GroupFileAppliedView>(await t.api('/api/v1/group-files', { method: 'PUT', json: groupFile([{ ...ops, name: 'filed' }]) }));
    const secrets = ['a-secret-of-our-own', made.secret!, applied.triggerSecrets[0]!.secret];
    const bytes = Buffer.concat(['baton.db', 'baton.db-wal'].map((name) => join(t.dir, name)).filter(existsSync).map((file) => readFileSync(file)));
    for (const secret of secrets) expect(bytes.includes(secret), secret).toBe(false);
  });

  it.each([
    [{ ...ops, events: [] }, 400, /events: name at least one event/],
    [{ ...ops, events: ['DeploymentExploded'] }, 400, /events\.0/],
    [{ ...ops, url: 'ftp://example.com' }, 400, /url: expected an http/],
    [{ ...ops, secret: 'short' }, 400, /secret: use a secret of at least 16 characters/],
    [{ ...ops, name: 'no spaces please' }, 400, /name: /],
  ])('refuses %j', async (json, status, message) => {
    const response = await create(json);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(message) });
  });

  it('refuses a second trigger of the same name, and an eleventh', async () => {
    expect((await create(ops)).status).toBe(201);
    expect(await (await create(ops)).json()).toMatchObject({ code: 'ALREADY_EXISTS' });
    for (let i = 1; i < 10; i++) expect((await create({ ...ops, name: `hook-${i}` })).status).toBe(201);
    expect(await (await create({ ...ops, name: 'hook-10' })).json()).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('10 triggers') });
  });

  it('deletes a trigger, and answers 404 for one it does not have', async () => {
    await create(ops);
    expect((await t.api(`${groupPath}/triggers/ops`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api(`${groupPath}/triggers/ops`, { method: 'DELETE' })).status).toBe(404);
    expect((await t.api('/api/v1/applications/shop/deployment-groups/nope/triggers')).status).toBe(404);
  });

  it('lists the delivery log newest first, to the limit asked', async () => {
    await create(ops);
    const [trigger] = listTriggers(t.db, groupId());
    for (const [i, at] of ['2030-01-01T00:00:01Z', '2030-01-01T00:00:02Z'].entries()) {
      enqueueDelivery(t.db, { triggerId: trigger!.id, event: 'DeploymentFailure', deploymentId: `d-${i}`, body: '{}' }, new Date(at));
    }
    const deliveries = await readJson<DeliveryView[]>(await t.api(`${groupPath}/trigger-deliveries?limit=1`));
    expect(deliveries).toEqual([
      expect.objectContaining({ trigger: 'ops', deploymentId: 'd-1', status: 'pending', attempts: 0, lastStatusCode: null, lastError: null }),
    ]);
  });
});

describe('triggers in a group file', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = createTestApp();
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'shop' } });
  });
  afterEach(() => t.cleanup());

  const apply = async (json: unknown) => {
    const response = await t.api('/api/v1/group-files', { method: 'PUT', json });
    return { status: response.status, body: await readJson<GroupFileAppliedView & { code?: string; message?: string }>(response) };
  };
  const detail = async () => readJson<DeploymentGroupDetailView>(await t.api(groupPath));

  it('makes each new trigger a secret shown once, and round-trips through `group get --yaml` unchanged', async () => {
    const created = await apply(groupFile([ops, { name: 'chat', url: 'http://chat.example.com/in', events: ['InstanceFailure'], format: 'slack' }]));
    expect(created.status).toBe(201);
    expect(created.body.triggerSecrets.map((made) => made.trigger)).toEqual(['ops', 'chat']);
    expect(created.body.warnings).toEqual([{ field: 'triggers.1.url', message: expect.stringContaining('plain http') }]);

    const group = await detail();
    expect(group.triggers).toEqual([
      { name: 'chat', url: 'http://chat.example.com/in', events: ['InstanceFailure'], format: 'slack', secretRef: created.body.triggerSecrets[1]!.secretRef },
      { ...ops, format: 'json', secretRef: created.body.triggerSecrets[0]!.secretRef },
    ]);
    expect(JSON.stringify(group)).not.toContain(created.body.triggerSecrets[0]!.secret);

    const again = await apply(toGroupFile(group));
    expect(again.body).toMatchObject({ outcome: 'unchanged', triggerSecrets: [] });
  });

  it('keeps a trigger’s secret while its name stays, even when the file leaves secretRef out', async () => {
    const first = await apply(groupFile([ops]));
    const second = await apply(groupFile([{ ...ops, url: 'https://hooks.example.com/v2' }]));
    expect(second.body).toMatchObject({ outcome: 'updated', triggerSecrets: [] });
    expect((await detail()).triggers).toEqual([expect.objectContaining({ url: 'https://hooks.example.com/v2', secretRef: first.body.triggerSecrets[0]!.secretRef })]);
  });

  it('shares a secret by reference, and refuses a reference the group does not hold', async () => {
    const first = await apply(groupFile([ops]));
    const ref = first.body.triggerSecrets[0]!.secretRef;
    const shared = await apply(groupFile([ops, { ...ops, name: 'backup', secretRef: ref }]));
    expect(shared.body.triggerSecrets).toEqual([]);
    expect((await detail()).triggers.map((trigger) => trigger.secretRef)).toEqual([ref, ref]);

    const refused = await apply(groupFile([{ ...ops, secretRef: 'trs-aaaaaaaaaaaa' }]));
    expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', message: expect.stringMatching(/^triggers\.0\.secretRef: the group holds no secret trs-aaaaaaaaaaaa/) } });
    expect((await detail()).triggers).toHaveLength(2);
  });

  it('deletes triggers the file no longer lists, and refuses two of one name', async () => {
    await apply(groupFile([ops]));
    expect((await apply(groupFile([]))).body.outcome).toBe('updated');
    expect((await detail()).triggers).toEqual([]);
    const twice = await apply(groupFile([ops, ops]));
    expect(twice).toMatchObject({ status: 400, body: { message: expect.stringContaining("triggers.1.name: a second trigger named 'ops'") } });
  });
});
