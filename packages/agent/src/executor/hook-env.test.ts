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
    expect(buildHookEnv('AfterInstall', { deployment }, { env: { PORT: '80', DEPLOYMENT_ID: 'spoofed' } })).toEqual({
      PORT: '80',
      LIFECYCLE_EVENT: 'AfterInstall',
      DEPLOYMENT_ID: 'd-1',
      APPLICATION_NAME: 'shop',
      DEPLOYMENT_GROUP_NAME: 'prod',
      DEPLOYMENT_GROUP_ID: 'dg-1',
    });
    expect(buildHookEnv('AfterInstall', { deployment }, { env: {}, filesRoot: '/tmp/f' })).toMatchObject({
      BATON_FILES_ROOT: '/tmp/f',
    });
  });

  it('adds where an S3 or Git revision came from, and nothing for an upload', () => {
    const withSource = (source: DeploymentContext['revision']['source']) =>
      buildHookEnv('BeforeInstall', { deployment: { ...deployment, revision: { ...deployment.revision, ...(source ? { source } : {}) } } }, { env: { BUNDLE_KEY: 'spoofed' } });
    expect(withSource({ type: 's3', bucket: 'b', key: 'k/app.zip', versionId: 'v1', etag: 'e1' })).toMatchObject({
      BUNDLE_BUCKET: 'b',
      BUNDLE_KEY: 'k/app.zip',
      BUNDLE_VERSION: 'v1',
      BUNDLE_ETAG: 'e1',
    });
    expect(withSource({ type: 's3', bucket: 'b', key: 'k' })).not.toHaveProperty('BUNDLE_VERSION');
    expect(withSource({ type: 'git', repository: 'https://example.com/r.git', commit: 'c'.repeat(40) })).toMatchObject({ BUNDLE_COMMIT: 'c'.repeat(40) });
    expect(Object.keys(withSource({ type: 'upload' })).filter((name) => name.startsWith('BUNDLE_') && name !== 'BUNDLE_KEY')).toEqual([]);
  });

  it("gives the deployment's variables and secrets, under the host's env and the reference's names", () => {
    const env = buildHookEnv(
      'ApplicationStart',
      {
        deployment,
        variables: { REGION: 'eu', PORT: '8080', DEPLOYMENT_ID: 'spoofed' },
        secrets: { DB_PASSWORD: 's3cret', API_KEY: 'from-group' },
      },
      { env: { PORT: '80', API_KEY: 'from-host' } },
    );
    expect(env).toMatchObject({ REGION: 'eu', DB_PASSWORD: 's3cret', PORT: '80', API_KEY: 'from-host', DEPLOYMENT_ID: 'd-1' });
  });
});
