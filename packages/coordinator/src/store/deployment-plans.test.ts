import { afterEach, describe, expect, it } from 'vitest';
import { deployFixture } from '../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp, type DeploymentTestApp } from '../testing/deployment-test-app.test-support.js';
import { readDeploymentPlan, readLiveEnvironment } from './deployment-plans.js';

describe('deployment plans for the dashboard', () => {
  let d: DeploymentTestApp;
  afterEach(() => d.t.cleanup());

  const deploy = () => deployFixture(d.runner, d.web).id;

  it('reads a started deployment\'s batches and where it stands, and nothing for one that has not started', () => {
    d = createDeploymentTestApp();
    const first = deploy();
    const queued = deploy();
    const progress = readDeploymentPlan(d.t.db, first);
    // OneAtATime in place: one batch of every host, deployed while keeping all but one healthy.
    expect(progress?.plan.batches.map((batch) => batch.hostIds.length)).toEqual([3]);
    expect(progress?.batchIndex).toBe(0);
    expect(readDeploymentPlan(d.t.db, queued)).toBeUndefined();
    expect(readDeploymentPlan(d.t.db, 'd-unknown')).toBeUndefined();
    d.fleet.answerAll();
    expect(readDeploymentPlan(d.t.db, first)?.plan.deploymentConfigName).toBe('CodeDeployDefault.OneAtATime');
  });

  it('knows no live environment for a group without a successful blue/green deployment', () => {
    d = createDeploymentTestApp();
    deploy();
    d.fleet.answerAll();
    expect(readLiveEnvironment(d.t.db, d.web.group.id)).toBeUndefined();
  });
});
