import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentContext, LifecycleEventName, RunEvent } from '@baton/shared';
import { parseAgentConfig } from '../config.js';
import { FakeCoordinator } from '../fake-coordinator.test-support.js';
import { buildTgzBundle } from '../test-bundle.test-support.js';
import { executeEvent } from './execute-event.js';
import type { ExecutorContext } from './executor-context.js';

const deployment = (overrides: Partial<DeploymentContext> = {}): DeploymentContext => ({
  deploymentId: 'd-1',
  applicationName: 'shop',
  deploymentGroupName: 'prod',
  deploymentGroupId: 'dg-1',
  creator: 'user',
  revision: { sha256: 'a'.repeat(64), size: 1, bundleType: 'tgz' },
  ignoreApplicationStopFailures: false,
  ...overrides,
});

const command = (event: LifecycleEventName, context: DeploymentContext = deployment()): RunEvent => ({
  type: 'run-event',
  commandId: `c-${event}`,
  event,
  deployment: context,
});

describe('executeEvent', () => {
  let temp: string;
  let coordinator: FakeCoordinator;
  let context: ExecutorContext;
  beforeEach(async () => {
    temp = await mkdtemp(join(tmpdir(), 'baton-executor-'));
    coordinator = await FakeCoordinator.start();
    const config = parseAgentConfig({
      flags: { coordinator: coordinator.url, root: join(temp, 'root'), filesRoot: join(temp, 'files') },
      file: undefined,
      fileName: 'agent.yml',
      hostname: 'h',
    });
    if (!config.ok) throw new Error(config.error.join('; '));
    context = { config: config.value, credential: 'h-test.credential-secret', logger: pino({ level: 'silent' }) };
  });
  afterEach(async () => {
    await coordinator.close();
    await rm(temp, { recursive: true, force: true });
  });

  it.each([
    ['deploymentId', deployment({ deploymentId: '../../etc' })],
    ['deploymentGroupId', deployment({ deploymentGroupId: '..' })],
  ])('refuses a %s that is not a plain directory name', async (key, unsafe) => {
    const outcome = await executeEvent(command('BeforeInstall', unsafe), context);
    expect(outcome).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'UnknownError' } });
    expect(outcome.diagnostics.message).toContain(`${key} "`);
  });

  it('leaves the traffic events to the coordinator', async () => {
    expect((await executeEvent(command('AllowTraffic'), context)).diagnostics.message).toBe(
      'AllowTraffic is performed by the coordinator, not by the agent',
    );
  });

  it('fails a hook of this revision when its bundle was never unpacked', async () => {
    const outcome = await executeEvent(command('AfterInstall'), context);
    expect(outcome).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'UnknownError' } });
  });

  it('turns an unexpected fault into a Failed UnknownError instead of throwing', async () => {
    // The deployment root's parent is a regular file, so creating the deployment directory throws ENOTDIR.
    await mkdir(join(temp, 'root/var/lib'), { recursive: true });
    await writeFile(join(temp, 'root/var/lib/baton-agent'), 'not a directory');
    const outcome = await executeEvent(command('DownloadBundle'), context);
    expect(outcome).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'UnknownError' } });
    expect(outcome.diagnostics.message).toMatch(/ENOTDIR/);
  });

  it('fails DownloadBundle when the coordinator does not have the revision', async () => {
    const outcome = await executeEvent(command('DownloadBundle'), context);
    expect(outcome).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'UnknownError' } });
    expect(outcome.diagnostics.message).toMatch(/404/);
  });

  it('fails Install with the installer message when a file already exists under DISALLOW', async () => {
    const bundle = await buildTgzBundle({
      'appspec.yml': 'version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: /srv/app\n',
      'app/index.html': 'new\n',
    });
    coordinator.revisions.set(bundle.sha256, bundle.bytes);
    const withBundle = deployment({ revision: { sha256: bundle.sha256, size: bundle.size, bundleType: 'tgz' } });
    await mkdir(join(temp, 'files/srv/app'), { recursive: true });
    await writeFile(join(temp, 'files/srv/app/index.html'), 'placed by hand\n');

    expect((await executeEvent(command('DownloadBundle', withBundle), context)).status).toBe('Succeeded');
    const outcome = await executeEvent(command('Install', withBundle), context);
    expect(outcome).toMatchObject({ status: 'Failed', diagnostics: { errorCode: 'UnknownError' } });
    expect(outcome.diagnostics.message).toContain('already exists');

    const overwrite = deployment({ ...withBundle, fileExistsBehavior: 'OVERWRITE' });
    expect((await executeEvent(command('Install', overwrite), context)).status).toBe('Succeeded');
  });
});
