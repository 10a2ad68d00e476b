/**
 * End to end: revisions from S3 (s3rver), Git (git http-backend) and HTTP, deployed by real agents; locations
 * that cannot be resolved fail before any host is touched; an agent with a trusted key deploys only signed
 * revisions; a redeploy of a revision the host holds transfers no bundle bytes.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArchive } from '../../packages/coordinator/src/testing/bundle-archives.test-support.js';
import { startTestGitServer, type TestGitServer } from '../../packages/coordinator/src/testing/git-server.test-support.js';
import { startTestS3, type TestS3 } from '../../packages/coordinator/src/testing/s3-server.test-support.js';
import { APP_DIR, Cluster } from '../harness/cluster.js';
import type { DeploymentJson } from '../harness/deployments.js';

/** A bundle whose AfterInstall records the BUNDLE_* variables it sees in APP_DIR/sources.log. */
const bundleFiles = (version: string): Record<string, string> => ({
  'appspec.yml': [
    'version: 0.0',
    'os: linux',
    'files:',
    '  - source: app',
    `    destination: ${APP_DIR}/app`,
    'file_exists_behavior: OVERWRITE',
    'hooks:',
    '  AfterInstall:',
    '    - location: scripts/record.sh',
    '      timeout: 60',
    '',
  ].join('\n'),
  'app/version.txt': `${version}\n`,
  'scripts/record.sh': [
    '#!/bin/sh',
    `echo "version=${version} bucket=$BUNDLE_BUCKET key=$BUNDLE_KEY etag=$BUNDLE_ETAG commit=$BUNDLE_COMMIT" >> ${APP_DIR}/sources.log`,
    '',
  ].join('\n'),
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Outcome {
  exitCode: number | null;
  stderr: string;
  deployment: DeploymentJson & { revision: { revisionId: string; sha256: string | null; location: string } };
}

describe('revisions from S3, Git and HTTP', () => {
  let cluster: Cluster;
  let s3: TestS3;
  let git: TestGitServer;
  let web: Server;
  let webUrl: string;
  let dir: string;
  const served = new Map<string, Buffer>();
  let signKey: string;
  let otherKey: string;

  beforeAll(async () => {
    [s3, git] = await Promise.all([startTestS3(), startTestGitServer()]);
    web = createServer((request, response) => {
      const body = served.get(request.url ?? '');
      response.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;

    dir = mkdtempSync(join(tmpdir(), 'baton-e2e-sources-'));
    const keys = (name: string) => {
      const pair = generateKeyPairSync('ed25519');
      writeFileSync(join(dir, `${name}.pem`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(join(dir, `${name}.pub.pem`), pair.publicKey.export({ type: 'spki', format: 'pem' }));
      return join(dir, `${name}.pem`);
    };
    signKey = keys('release');
    otherKey = keys('intruder');

    cluster = await Cluster.start({
      agents: 2,
      coordinatorLogLevel: 'debug',
      coordinatorArgs: [
        '--s3-endpoint', s3.endpoint, '--s3-path-style', '--s3-access-key-id', 'S3RVER', '--s3-secret-access-key', 'S3RVER',
        '--github-url', git.baseUrl,
      ],
      // web1 takes anything the coordinator sends; web2 only revisions signed by the release key.
      agentSpec: (index) => (index === 1 ? { tags: 'role=web' } : { tags: 'role=secure', args: ['--trusted-key', join(dir, 'release.pub.pem')] }),
    });
    const ok = async (args: string[]) => expect((await cluster.baton(args)).exitCode).toBe(0);
    await ok(['app', 'create', 'shop']);
    await ok(['group', 'create', 'shop', 'web', '--tag', 'role=web']);
    await ok(['group', 'create', 'shop', 'secure', '--tag', 'role=secure']);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await Promise.all([s3?.close(), git?.close(), new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)))]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deploy = async (group: string, source: string[]): Promise<Outcome> => {
    const result = await cluster.baton(['deploy', 'shop', group, ...source, '--wait', '--json'], 120_000);
    const { deploymentId } = JSON.parse(result.stdout) as { deploymentId: string };
    return { exitCode: result.exitCode, stderr: result.stderr, deployment: await cluster.batonJson<Outcome['deployment']>(['deployment', 'get', deploymentId]) };
  };
  const downloadMessage = (outcome: Outcome) =>
    outcome.deployment.instances[0]?.lifecycleEvents.find((event) => event.lifecycleEventName === 'DownloadBundle')?.diagnostics?.message ?? '';
  const web1 = () => cluster.agents[0]!;
  const revisionDownloads = () => cluster.coordinator.output.split('\n').filter((line) => line.includes('"path":"/agent/v1/revisions/')).length;

  it('deploys a tgz and a zip from S3; hooks see the bucket, key and ETag', async () => {
    const etag = await s3.put('shop/v1.tgz', await makeArchive('tgz', bundleFiles('s3-tgz')));
    const tgz = await deploy('web', ['--s3', 's3://bundles/shop/v1.tgz']);
    expect(tgz.exitCode).toBe(0);
    expect(tgz.deployment.status).toBe('Succeeded');
    expect(web1().read('sources.log')).toContain(`version=s3-tgz bucket=bundles key=shop/v1.tgz etag=${etag} commit=`);

    await s3.put('shop/v2.zip', await makeArchive('zip', bundleFiles('s3-zip')));
    const zip = await deploy('web', ['--s3', 's3://bundles/shop/v2.zip']);
    expect(zip.deployment.status).toBe('Succeeded');
    expect(web1().read('app/version.txt')).toBe('s3-zip\n');
  });

  it.each([
    ['a wrong ETag', ['--s3', 's3://bundles/shop/v1.tgz', '--etag', '0123abcd'], 'INVALID_REVISION', /not the expected 0123abcd/],
    ['a missing key', ['--s3', 's3://bundles/shop/missing.tgz'], 'REVISION_MISSING', /s3:\/\/bundles\/shop\/missing.tgz not found/],
    ['an unknown commit', ['--git', `github:acme/site@${'e'.repeat(40)}`], 'REVISION_MISSING', /not found|not our ref/],
    ['a wrong digest', ['--http', 'URL/site.tgz', '--sha256', 'a'.repeat(64)], 'INVALID_REVISION', /not the expected a{64}/],
  ])('fails %s before any host is touched, saying which and why', async (_, source, code, why) => {
    served.set('/site.tgz', await makeArchive('tgz', bundleFiles('http')));
    const before = web1().read('sources.log');
    const outcome = await deploy('web', source.map((arg) => arg.replace('URL', webUrl)));
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.stderr).toMatch(new RegExp(`^error: ${code}: deployment d-\\S+ failed before any host was touched: `));
    expect(outcome.stderr).toMatch(why);
    expect(outcome.deployment).toMatchObject({ status: 'Failed', errorInformation: { code, message: expect.stringMatching(why) }, instances: [] });
    expect(web1().read('sources.log')).toBe(before);
  });

  it('deploys a Git commit (github: shorthand) and a branch; hooks see the commit', async () => {
    const commit = await git.createRepo('acme/site.git', bundleFiles('git-1'));
    const byCommit = await deploy('web', ['--git', `github:acme/site@${commit}`]);
    expect(byCommit.deployment.status).toBe('Succeeded');
    expect(web1().read('sources.log')).toContain(`version=git-1 bucket= key= etag= commit=${commit}`);

    const next = await git.commit('acme/site.git', { 'app/version.txt': 'git-2\n' });
    const byBranch = await deploy('web', ['--git', `${git.baseUrl}/acme/site.git`, '--commit', 'main']);
    expect(byBranch.deployment.status).toBe('Succeeded');
    expect(byBranch.deployment.revision.location).toBe(`${git.baseUrl}/acme/site.git@main`);
    expect(web1().read('sources.log')).toContain(`commit=${next}`);
    expect(web1().read('app/version.txt')).toBe('git-2\n');
  });

  it('deploys from an HTTP URL checked against its digest', async () => {
    const archive = await makeArchive('tgz', bundleFiles('http'));
    served.set('/site.tgz', archive);
    const outcome = await deploy('web', ['--http', `${webUrl}/site.tgz`, '--sha256', sha256(archive)]);
    expect(outcome.deployment.status).toBe('Succeeded');
    expect(outcome.deployment.revision.sha256).toBe(sha256(archive));
    expect(web1().read('app/version.txt')).toBe('http\n');
  });

  it('redeploys a registered revision the host holds without transferring the bundle', async () => {
    const revisions = await cluster.batonJson<{ revisionId: string; location: string; status: string }[]>(['revision', 'list', 'shop']);
    // The revision before the last one, as a rollback would: its directory is still kept (max-revisions).
    const first = revisions.find((revision) => revision.location.endsWith('/acme/site.git@main') && revision.status === 'resolved')!;
    const downloadsBefore = revisionDownloads();
    const outcome = await deploy('web', ['--revision', first.revisionId]);
    expect(outcome.deployment.status).toBe('Succeeded');
    expect(downloadMessage(outcome)).toMatch(/^reused the copy held in .*, 0 bytes downloaded, revision /);
    expect(revisionDownloads()).toBe(downloadsBefore);
    expect(web1().read('app/version.txt')).toBe('git-2\n');

    const detail = await cluster.batonJson<{ deployments: { deploymentId: string }[]; firstDeployedAt: string; lastDeployedAt: string }>(['revision', 'get', first.revisionId]);
    expect(detail.deployments.map((deployment) => deployment.deploymentId)).toContain(outcome.deployment.deploymentId);
    expect(Date.parse(detail.lastDeployedAt)).toBeGreaterThan(Date.parse(detail.firstDeployedAt));
  });

  it('on an agent that requires signatures: refuses unsigned and wrongly signed revisions, deploys a signed one', async () => {
    await s3.put('shop/secure.tgz', await makeArchive('tgz', bundleFiles('secure')));
    const unsigned = await deploy('secure', ['--s3', 's3://bundles/shop/secure.tgz']);
    expect(unsigned.deployment.status).toBe('Failed');
    expect(downloadMessage(unsigned)).toMatch(/is not signed, and this agent accepts only revisions signed by a trusted key/);

    const intruder = await deploy('secure', ['--revision', unsigned.deployment.revision.revisionId, '--sign-key', otherKey]);
    expect(intruder.deployment.status).toBe('Failed');
    expect(downloadMessage(intruder)).toMatch(/^no valid signature by a trusted key/);

    const signed = await deploy('secure', ['--revision', unsigned.deployment.revision.revisionId, '--sign-key', signKey]);
    expect(signed.exitCode).toBe(0);
    expect(signed.deployment.status).toBe('Succeeded');
    expect(downloadMessage(signed)).toMatch(/, signed by [0-9a-f]{16}\)$/);
    expect(cluster.agents[1]!.read('app/version.txt')).toBe('secure\n');
  });
});
