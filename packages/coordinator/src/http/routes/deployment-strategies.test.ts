import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Strategy } from '@baton/shared';
import type { EngineRunner } from '../../runner/engine-runner.js';
import { updateDeploymentGroup } from '../../store/deployment-groups.js';
import type { DeploymentFixture } from '../../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp } from '../../testing/deployment-test-app.test-support.js';
import type { FakeFleet } from '../../testing/fake-fleet.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { TestApp } from '../../testing/test-app.test-support.js';

interface Plan {
  strategy: string;
  hosts: number;
  problem?: { code: string; message: string };
  batches: { label: string; hosts: string[]; bakeSeconds: number; approval?: string }[];
}

describe('strategies through the API', () => {
  let t: TestApp;
  let runner: EngineRunner;
  let web: DeploymentFixture;
  let fleet: FakeFleet;

  beforeEach(() => {
    ({ t, runner, fleet, web } = createDeploymentTestApp({ fixture: { hostCount: 5 } }));
  });
  afterEach(() => {
    runner.close();
    t.cleanup();
  });

  const plan = async () => readJson<Plan>(await t.api('/api/v1/applications/web/deployment-groups/prod/plan'));

  describe('GET /applications/:app/deployment-groups/:group/plan', () => {
  it('shows the batches a canary with manual promotion would take, and does nothing', async () => {
    const strategy = Strategy.parse({ type: 'canary', canary: { hosts: 1, bake: '30s', promote: 'manual' }, rolling: { batches: 2 } });
    updateDeploymentGroup(t.db, web.group.id, { strategy }, t.now);
    const shown = await plan();
    expect(shown.strategy).toBe('canary');
    expect(shown.batches.map((b) => [b.label, b.hosts.length, b.bakeSeconds, b.approval ?? ''])).toEqual([
      ['canary (1 host)', 1, 30, 'promote'],
      ['batch 1 of 2', 2, 0, ''],
      ['batch 2 of 2', 2, 0, ''],
    ]);
    expect(t.db.prepare('SELECT COUNT(*) FROM deployments').pluck().get()).toBe(0);
  });

  it('says why a deployment would fail at once', async () => {
    const strategy = Strategy.parse({ type: 'blueGreen', blueGreen: { environmentTag: 'env', environments: ['blue', 'green'] } });
    updateDeploymentGroup(t.db, web.group.id, { strategy }, t.now);
    const shown = await plan();
    expect(shown.problem?.code).toBe('HEALTH_CONSTRAINTS_INVALID');
    expect(shown.problem?.message).toContain('no host has env=green');
  });

  it('answers 404 for an unknown group', async () => {
    expect((await t.api('/api/v1/applications/web/deployment-groups/nope/plan')).status).toBe(404);
  });
  });

  describe("a deployment that overrides its group's strategy", () => {
    const create = (strategy: unknown) =>
      t.api('/api/v1/deployments', {
        method: 'POST',
        json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id, strategy },
      });

    it('runs as a canary waiting for promote although the group deploys in place', async () => {
      const response = await create({ type: 'canary', canary: { hosts: 1, promote: 'manual' } });
      expect(response.status).toBe(201);
      const { deploymentId } = await readJson<{ deploymentId: string }>(response);
      fleet.answerAll();
      const detail = await readJson<{ status: string; deploymentOverview: Record<string, number> }>(await t.api(`/api/v1/deployments/${deploymentId}`));
      expect(detail.status).toBe('Ready');
      expect(detail.deploymentOverview).toMatchObject({ Succeeded: 1, Pending: 4 });
      expect((await t.api(`/api/v1/deployments/${deploymentId}/promote`, { method: 'POST' })).status).toBe(200);
      fleet.answerAll();
      expect(await readJson(await t.api(`/api/v1/deployments/${deploymentId}`))).toMatchObject({ status: 'Succeeded', deploymentOverview: { Succeeded: 5 } });
    });

    it('refuses a bad override, naming the field', async () => {
      const response = await create({ type: 'rolling', rolling: { bake: 'soon' } });
      expect(response.status).toBe(400);
      expect(await readJson(response)).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('strategy.rolling.bake') });
    });
  });
});
