/**
 * End to end: variables and a secret of an application and its group reach real hooks on real agents, under each
 * host's own --env; the secret shows as **** in the hosts' scripts.log, the deployment, the streamed logs and the
 * API, and no file of the coordinator's data directory holds it.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, Cluster } from '../harness/cluster.js';

const SECRET = 'e2e-pa55-w0rd-in-plain-sight';

/** A bundle whose ApplicationStart records what it sees in the host's APP_DIR and echoes the secret. */
function writeVariablesBundle(dir: string): string {
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(
    join(dir, 'appspec.yml'),
    ['version: 0.0', 'os: linux', 'hooks:', '  ApplicationStart:', '    - location: scripts/start.sh', '      timeout: 60', ''].join('\n'),
  );
  const script = join(dir, 'scripts', 'start.sh');
  writeFileSync(
    script,
    ['#!/bin/sh', `mkdir -p ${APP_DIR}`, `echo "region=$REGION tier=$TIER password=$DB_PASSWORD" > ${APP_DIR}/seen`, 'echo "logging in with $DB_PASSWORD"', ''].join('\n'),
  );
  chmodSync(script, 0o755);
  return dir;
}

/** Every file under `dir`, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

describe('variables and secrets', () => {
  let cluster: Cluster;
  let bundles: string;

  beforeAll(async () => {
    // web1 sets TIER itself: its --env wins over the group's and the application's.
    cluster = await Cluster.start({ agents: 2, agentSpec: (index) => (index === 1 ? { env: ['TIER=host'] } : {}) });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    for (const args of [
      ['app', 'create', 'vars'],
      ['group', 'create', 'vars', 'web', '--tag', 'role=web', '--config', 'AllAtOnce'],
      ['var', 'set', 'vars', 'REGION=eu-west'],
      ['var', 'set', 'vars', 'TIER=app'],
      ['var', 'set', 'vars', '--group', 'web', 'TIER=group'],
      ['var', 'set', 'vars', '--group', 'web', `DB_PASSWORD=${SECRET}`, '--secret'],
    ]) {
      const result = await cluster.baton(args);
      if (result.exitCode !== 0) throw new Error(`baton ${args.join(' ')}: ${result.stderr}`);
    }
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  it('gives every hook app < group < host --env, and shows the secret nowhere but to the hook', async () => {
    const bundle = writeVariablesBundle(join(bundles, 'variables'));
    const deployed = await cluster.baton(['deploy', 'vars', 'web', '--bundle', bundle, '--wait', '--json']);
    expect(deployed.exitCode).toBe(0);
    const { deploymentId } = JSON.parse(deployed.stdout) as { deploymentId: string };

    const [web1, web2] = cluster.agents;
    expect(web1!.read('seen')).toBe(`region=eu-west tier=host password=${SECRET}\n`);
    expect(web2!.read('seen')).toBe(`region=eu-west tier=group password=${SECRET}\n`);

    for (const agent of [web1!, web2!]) {
      const scriptsLog = filesUnder(agent.root).find(({ path }) => path.endsWith(join(deploymentId, 'logs', 'scripts.log')));
      expect(scriptsLog?.bytes.toString()).toContain('[stdout]logging in with ****');
      expect(scriptsLog?.bytes.toString()).not.toContain(SECRET);
    }
    const logs = await cluster.baton(['logs', deploymentId]);
    expect(logs.stdout).toContain('web1 ApplicationStart [stdout] logging in with ****');
    for (const args of [['logs', deploymentId], ['deployment', 'get', deploymentId, '--json'], ['var', 'list', 'vars', '--group', 'web', '--json']]) {
      expect((await cluster.baton(args)).stdout).not.toContain(SECRET);
    }
    const leaks = filesUnder(join(cluster.dir, 'coordinator')).filter(({ bytes }) => bytes.includes(SECRET));
    expect(leaks.map(({ path }) => path)).toEqual([]);
  });
});
