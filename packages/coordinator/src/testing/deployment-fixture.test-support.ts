import { createHash } from 'node:crypto';
import { resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { createApplication, type Application } from '../store/applications.js';
import type { EngineRunner } from '../runner/engine-runner.js';
import type { Database } from '../store/database.js';
import { createDeploymentGroup, type DeploymentGroup } from '../store/deployment-groups.js';
import type { DeploymentRecord, NewDeployment } from '../store/deployments.js';
import { enrollHost, type Host } from '../store/hosts.js';
import { registerRevision, type Revision } from '../store/revisions.js';

/** Test support: the rows a deployment needs, as the API would have written them. */
export interface DeploymentFixture {
  readonly application: Application;
  readonly group: DeploymentGroup;
  /** In name order (`web-1`, `web-2`, ...), the order a first deployment visits them. */
  readonly hosts: readonly (Host & { readonly credential: string })[];
  /** Revisions of the application, registered with made-up digests (`v1`, `v2`, ...). */
  readonly revisions: readonly Revision[];
}

export interface DeploymentFixtureOptions {
  readonly applicationName?: string;
  readonly hostCount?: number;
  readonly revisionCount?: number;
  readonly deploymentConfig?: string;
  readonly autoRollback?: boolean;
}

/** An application `web` with a group `prod` selecting hosts tagged `env=prod`, and its revisions. */
export function seedDeploymentFixture(db: Database, now: Date, options: DeploymentFixtureOptions = {}): DeploymentFixture {
  const { applicationName = 'web', hostCount = 3, revisionCount = 3, autoRollback = false } = options;
  const application = unwrap(createApplication(db, applicationName, now));
  const group = unwrap(
    createDeploymentGroup(
      db,
      {
        applicationId: application.id,
        name: 'prod',
        hostSelector: { tagFilters: [{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }], tagSet: [] },
        deploymentConfig: configNamed(options.deploymentConfig ?? 'OneAtATime'),
        autoRollbackEvents: autoRollback ? ['DEPLOYMENT_FAILURE'] : [],
      },
      now,
    ),
  );
  const hosts = Array.from({ length: hostCount }, (_, i) => {
    const { host, credential } = enrollHost(db, { name: `${applicationName}-${i + 1}`, tags: { env: 'prod' } }, now);
    return { ...host, credential };
  });
  const revisions = Array.from({ length: revisionCount }, (_, i) => {
    const sha256 = createHash('sha256').update(`${applicationName} v${i + 1}`).digest('hex');
    return registerRevision(db, { applicationId: application.id, sha256, size: 100 + i, bundleType: 'tgz', source: { type: 'upload' } }, now)
      .revision;
  });
  return { application, group, hosts, revisions };
}

/** What the deployments API would ask for: the fixture's revision `revision` to its group, rolled back as the group says. */
export const userDeployment = (fixture: DeploymentFixture, revision = 0): NewDeployment => ({
  applicationId: fixture.application.id,
  groupId: fixture.group.id,
  revisionId: fixture.revisions[revision]!.id,
  creator: 'user',
  options: { ignoreApplicationStopFailures: false, autoRollback: fixture.group.autoRollback },
});

/** Creates `userDeployment(fixture, revision)` through the runner; a refusal fails the test. */
export function deployFixture(runner: Pick<EngineRunner, 'create'>, fixture: DeploymentFixture, revision = 0): DeploymentRecord {
  return unwrap(runner.create(userDeployment(fixture, revision)));
}

function configNamed(name: string): DeploymentConfig {
  return unwrap(resolveDeploymentConfig(name));
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`fixture setup failed: ${String(result.error)}`);
  return result.value;
}
