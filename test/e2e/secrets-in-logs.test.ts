/**
 * End to end: no secret Baton handles reaches a log or an answer. A coordinator (debug logging) configured with
 * a Git token and S3 keys, agents enrolled with an enrollment token and holding host credentials, API tokens in
 * use and refused, deployments from Git and S3 that fail against unreachable servers (the error paths are where
 * URLs and headers get quoted): afterwards neither the coordinator's output, nor the agents' output and
 * agent.log files, nor the API's answers and audit log contain any of those secrets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../harness/cluster.js';

const GIT_TOKEN = 'ghp_e2eGitTokenThatMustNotLeak0123456789';
const S3_SECRET = 'e2eS3SecretAccessKeyThatMustNotLeak/0123+';

/** Every file's text under `dir`. */
function textsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'));
}

/** The secret part of `<id>.<secret>` credentials: ids are fine to log, secrets are not. */
const secretOf = (credential: string): string => credential.slice(credential.indexOf('.') + 1);

describe('secrets in logs', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await Cluster.start({
      agents: 2,
      coordinatorLogLevel: 'debug',
      coordinatorArgs: [
        '--git-token', GIT_TOKEN,
        '--s3-endpoint', 'http://127.0.0.1:9', '--s3-path-style',
        '--s3-access-key-id', 'AKIAE2ENOTASECRET', '--s3-secret-access-key', S3_SECRET,
        '--revision-fetch-timeout', '10s',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps tokens, host credentials, the Git token and the S3 secret out of every log and answer', async () => {
    const deployer = JSON.parse((await cluster.baton(['token', 'create', '--role', 'deployer', '--name', 'ci', '--json'])).stdout) as { token: string };
    for (const args of [['app', 'create', 'leak'], ['group', 'create', 'leak', 'web', '--tag', 'role=web', '--config', 'AllAtOnce']]) {
      expect((await cluster.baton(args)).exitCode).toBe(0);
    }
    const asDeployer = (args: string[]) => cluster.baton([...args, '--token', deployer.token]);
    const git = await asDeployer(['deploy', 'leak', 'web', '--git', 'http://127.0.0.1:9/repo.git', '--commit', 'a'.repeat(40), '--wait']);
    const s3 = await asDeployer(['deploy', 'leak', 'web', '--s3', 's3://bucket/bundle.tgz', '--bundle-type', 'tgz', '--wait']);
    // Refused credentials are audited: with their id, never their secret.
    await cluster.baton(['hosts', 'list', '--token', `${deployer.token}x`]);
    const deployments = await cluster.baton(['deployment', 'list', '--json']);
    const audit = await cluster.baton(['audit', '--json']);

    const hostCredentials = cluster.agents.map(
      (agent) => (JSON.parse(readFileSync(join(agent.root, 'etc/baton/credentials.json'), 'utf8')) as { credential: string }).credential,
    );
    const secrets: Record<string, string> = {
      'admin token': secretOf(cluster.token),
      'deployer token': secretOf(deployer.token),
      'enrollment token': secretOf(cluster.enrollToken),
      'Git token': GIT_TOKEN,
      'S3 secret key': S3_SECRET,
      ...Object.fromEntries(hostCredentials.map((credential, i) => [`credential of web${i + 1}`, secretOf(credential)])),
    };
    const places: Record<string, string> = {
      'coordinator output': cluster.coordinator.output,
      'git deploy output': git.stdout + git.stderr,
      's3 deploy output': s3.stdout + s3.stderr,
      'deployment list': deployments.stdout,
      'audit log': audit.stdout,
      ...Object.fromEntries(cluster.agents.map((agent) => [`${agent.name} output`, agent.process!.output])),
      ...Object.fromEntries(cluster.agents.map((agent) => [`${agent.name} log files`, textsUnder(join(agent.root, 'var/log')).join('\n')])),
    };
    // The failures happened, so their messages were written.
    expect(git.stdout + git.stderr).toMatch(/Failed|REVISION_MISSING|INVALID_REVISION/);
    expect(s3.stdout + s3.stderr).toMatch(/Failed|REVISION_MISSING|INVALID_REVISION/);
    expect(audit.stdout).toContain('"status": 401');

    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets).filter(([, secret]) => text.includes(secret)).map(([what]) => `${what} in ${place}`),
    );
    expect(leaks).toEqual([]);
  });
});
