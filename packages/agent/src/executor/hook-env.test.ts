import { describe, expect, it } from 'vitest';
import type { DeploymentContext } from '@baton/shared';
import { buildHookEnv } from './hook-env.js';

const deployment: DeploymentContext = {
  deploymentId: 'd-1',
  applicationName: 'shop',
  deploymentGroupName: 'prod',
  deploymentGroupId: 'dg-1',
  creator: 'user',
  revision: { sha256: 'a'.repeat(64), size: 1, bundleType: 'tgz' },
  ignoreApplicationStopFailures: false,
};

describe('buildHookEnv', () => {
  it("gives the reference's variables, the agent's env, and BATON_FILES_ROOT only when set", () => {
    expect(buildHookEnv('AfterInstall', deployment, { env: { PORT: '80', DEPLOYMENT_ID: 'spoofed' } })).toEqual({
      PORT: '80',
      LIFECYCLE_EVENT: 'AfterInstall',
      DEPLOYMENT_ID: 'd-1',
      APPLICATION_NAME: 'shop',
      DEPLOYMENT_GROUP_NAME: 'prod',
      DEPLOYMENT_GROUP_ID: 'dg-1',
    });
    expect(buildHookEnv('AfterInstall', deployment, { env: {}, filesRoot: '/tmp/f' })).toMatchObject({
      BATON_FILES_ROOT: '/tmp/f',
    });
  });
});
