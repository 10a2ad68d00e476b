import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileExistsBehavior } from '@baton/shared';
import { parseAgentConfig, type AgentConfig } from '../config.js';
import type { LocalBundleType } from './local-bundle-source.js';
import { DEFAULT_LOCAL_EVENTS, selectLocalEvents } from './local-events.js';
import { revisionFiles, writeBundle, type BundleKind } from './local-deploy.test-support.js';
import { runLocalDeployment, type LocalDeploymentOptions } from './run-local-deployment.js';

let temp: string;
let config: AgentConfig;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-local-'));
  await mkdir(join(temp, 'files'));
  const parsed = parseAgentConfig({
    flags: { coordinator: 'http://localhost', root: join(temp, 'root'), filesRoot: join(temp, 'files') },
    file: undefined,
    fileName: 'agent.yml',
    hostname: 'h',
  });
  if (!parsed.ok) throw new Error(parsed.error.join('; '));
  config = parsed.value;
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

const deploy = (bundle: string, bundleType: LocalBundleType, options: Partial<LocalDeploymentOptions> = {}) =>
  runLocalDeployment({
    bundle,
    bundleType,
    events: DEFAULT_LOCAL_EVENTS,
    applicationName: 'shop',
    groupName: 'LocalFleet',
    config,
    logger: pino({ level: 'silent' }),
    ...options,
  });

const hooksLog = async (): Promise<string[]> =>
  (await readFile(join(temp, 'files/hooks.log'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
const statuses = (result: Awaited<ReturnType<typeof deploy>>) => result.events.map((e) => `${e.event} ${e.status}`);

describe('runLocalDeployment', () => {
  it.each<BundleKind>(['directory', 'tgz', 'zip'])('deploys a %s bundle through the whole lifecycle', async (kind) => {
    const bundle = await writeBundle(join(temp, 'src'), kind, revisionFiles('r1'));
    const result = await deploy(bundle, kind);
    expect(result.succeeded).toBe(true);
    expect(statuses(result)).toEqual(DEFAULT_LOCAL_EVENTS.map((event) => `${event} Succeeded`));
    expect(await readFile(join(temp, 'files/srv/app/index.html'), 'utf8')).toBe('revision r1\n');
    expect(await hooksLog()).toEqual(
      ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'].map(
        (event) => `${event} ${result.deploymentId} LocalFleet from=r1`,
      ),
    );
    expect(await readFile(result.scriptsLog, 'utf8')).toContain('LifecycleEvent - ValidateService');
  });

  it("runs the previous revision's ApplicationStop in the next deployment", async () => {
    const first = await deploy(await writeBundle(join(temp, 'v1'), 'directory', revisionFiles('r1')), 'directory');
    const second = await deploy(await writeBundle(join(temp, 'v2'), 'tgz', revisionFiles('r2')), 'tgz');
    expect([first.succeeded, second.succeeded]).toEqual([true, true]);
    expect((await hooksLog()).filter((line) => line.startsWith('ApplicationStop'))).toEqual([
      `ApplicationStop ${second.deploymentId} LocalFleet from=r1`,
    ]);
    expect(await readFile(join(temp, 'files/srv/app/index.html'), 'utf8')).toBe('revision r2\n');
  });

  it('runs only the chosen events, with DownloadBundle and Install, in lifecycle order', async () => {
    const events = selectLocalEvents('ValidateService,BeforeInstall');
    expect(events).toEqual({ ok: true, value: ['DownloadBundle', 'BeforeInstall', 'Install', 'ValidateService'] });
    const result = await deploy(await writeBundle(join(temp, 'src'), 'directory', revisionFiles('r1')), 'directory', {
      events: events.ok ? events.value : [],
    });
    expect(statuses(result)).toEqual(['DownloadBundle Succeeded', 'BeforeInstall Succeeded', 'Install Succeeded', 'ValidateService Succeeded']);
    expect((await hooksLog()).map((line) => line.split(' ')[0])).toEqual(['BeforeInstall', 'ValidateService']);
  });

  it('stops at the first failed event, skips the rest and keeps the failure with its log tail', async () => {
    const bundle = await writeBundle(join(temp, 'src'), 'zip', revisionFiles('r1', { failValidate: true }));
    const result = await deploy(bundle, 'zip', { events: ['DownloadBundle', 'Install', 'ValidateService', 'ApplicationStart'] });
    expect(result.succeeded).toBe(false);
    expect(result.events.at(-2)).toMatchObject({
      event: 'ValidateService',
      status: 'Failed',
      diagnostics: { errorCode: 'ScriptFailed', logTail: expect.stringContaining('[stderr]health check failed') },
    });
    expect(result.events.at(-1)).toEqual({ event: 'ApplicationStart', status: 'Skipped' });
  });

  it.each<[FileExistsBehavior | undefined, string, string]>([
    [undefined, 'Install Failed', 'placed by hand\n'],
    ['DISALLOW', 'Install Failed', 'placed by hand\n'],
    ['OVERWRITE', 'Install Succeeded', 'revision r1\n'],
    ['RETAIN', 'Install Succeeded', 'placed by hand\n'],
  ])('treats a file already at the destination by %s', async (behavior, installed, content) => {
    await mkdir(join(temp, 'files/srv/app'), { recursive: true });
    await writeFile(join(temp, 'files/srv/app/index.html'), 'placed by hand\n');
    const bundle = await writeBundle(join(temp, 'src'), 'tgz', revisionFiles('r1'));
    const result = await deploy(bundle, 'tgz', behavior === undefined ? {} : { fileExistsBehavior: behavior });
    expect(statuses(result)).toContain(installed);
    expect(await readFile(join(temp, 'files/srv/app/index.html'), 'utf8')).toBe(content);
  });

  it('fails DownloadBundle with the reason when an archive is not what its type says', async () => {
    const bogus = join(temp, 'bundle.zip');
    await writeFile(bogus, 'not a zip');
    const result = await deploy(bogus, 'zip');
    expect(result.events[1]).toMatchObject({ event: 'DownloadBundle', status: 'Failed' });
    expect(result.events[1]?.diagnostics?.message).toContain(bogus);
  });
});
