import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineRunner } from '../../runner/engine-runner.js';
import type { DeploymentView } from '../../store/deployment-read-model.js';
import type { DeploymentFixture } from '../../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp } from '../../testing/deployment-test-app.test-support.js';
import type { FakeFleet } from '../../testing/fake-fleet.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import { startS3WithBundle } from '../../testing/s3-bundle.test-support.js';
import type { TestS3 } from '../../testing/s3-server.test-support.js';
import type { TestApp } from '../../testing/test-app.test-support.js';
import type { RevisionView } from '../views.js';

interface Created {
  deploymentId: string;
  status: string;
  revisionId: string;
  errorInformation?: { code: string; message: string };
}

describe('deployments from revision locations', () => {
  let s3: TestS3;
  let bundle: Buffer;
  beforeAll(async () => ({ s3, bundle } = await startS3WithBundle()));
  afterAll(() => s3.close());

  let t: TestApp;
  let runner: EngineRunner;
  let fleet: FakeFleet;
  let web: DeploymentFixture;
  beforeEach(() => {
    ({ t, runner, fleet, web } = createDeploymentTestApp({ revisions: { s3: s3.settings } }));
  });
  afterEach(() => {
    runner.close();
    t.cleanup();
  });

  const deploy = async (revision: unknown) =>
    readJson<Created>(await t.api('/api/v1/deployments', { method: 'POST', json: { applicationName: 'web', deploymentGroupName: 'prod', revision } }));

  it('resolves an S3 location, deploys it, and sends hosts its source and digest', async () => {
    const etag = await s3.put('deploy/web.tgz', bundle);
    const created = await deploy({ type: 's3', bucket: 'bundles', key: 'deploy/web.tgz' });
    expect(created).toMatchObject({ status: 'InProgress', revisionId: expect.stringMatching(/^rev-/) });
    const sent = fleet.delivered[0]!.command.deployment.revision;
    expect(sent).toEqual({
      sha256: createHash('sha256').update(bundle).digest('hex'),
      size: bundle.length,
      bundleType: 'tgz',
      source: { type: 's3', bucket: 'bundles', key: 'deploy/web.tgz', etag },
    });
    const revision = await readJson<RevisionView>(await t.api(`/api/v1/revisions/${created.revisionId}`));
    expect(revision.deployments).toEqual([{ deploymentId: created.deploymentId, deploymentGroupName: 'prod', status: 'InProgress', createTime: t.now.toISOString() }]);
    expect(revision.firstDeployedAt).toBe(t.now.toISOString());
  });

  it.each([
    ['a missing key', { type: 's3', bucket: 'bundles', key: 'deploy/nope.tgz' }, 'REVISION_MISSING', 's3://bundles/deploy/nope.tgz not found: NotFound (HTTP 404)'],
    ['a wrong ETag', { type: 's3', bucket: 'bundles', key: 'deploy/web.tgz', etag: 'abc' }, 'INVALID_REVISION', expect.stringMatching(/not the expected abc$/)],
  ])('creates a deployment that is Failed at once for %s, touching no host', async (_, location, code, message) => {
    await s3.put('deploy/web.tgz', bundle);
    const created = await deploy(location);
    expect(created).toEqual({ deploymentId: expect.stringMatching(/^d-/), status: 'Failed', revisionId: expect.stringMatching(/^rev-/), errorInformation: { code, message } });
    expect(fleet.delivered).toEqual([]);
    const view = await readJson<DeploymentView>(await t.api(`/api/v1/deployments/${created.deploymentId}`));
    expect(view).toMatchObject({
      status: 'Failed',
      errorInformation: { code, message },
      revision: { revisionId: created.revisionId, sha256: null, size: null, bundleType: null, location: expect.stringMatching(/^s3:\/\/bundles\/deploy\//) },
      deploymentOverview: { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0 },
    });
    expect(await readJson<RevisionView>(await t.api(`/api/v1/revisions/${created.revisionId}`))).toMatchObject({ status: 'unresolved', error: { code, message } });
    // The group is not blocked: the next deployment starts at once.
    const next = await t.api('/api/v1/deployments', { method: 'POST', json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id } });
    expect(await next.json()).toMatchObject({ status: 'InProgress' });
  });

  it('refuses to redeploy an unresolved revision, and a body with both or neither source', async () => {
    const failed = await deploy({ type: 's3', bucket: 'bundles', key: 'deploy/none.tgz' });
    const again = await t.api('/api/v1/deployments', { method: 'POST', json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: failed.revisionId } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'REVISION_UNRESOLVED' });
    const both = await t.api('/api/v1/deployments', {
      method: 'POST',
      json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id, revision: { type: 's3', bucket: 'bundles', key: 'x.tgz' } },
    });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: 'revision: give either revisionId or revision (a location), not both' });
  });
});
