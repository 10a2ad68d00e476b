/**
 * End to end: hook output streamed live from real agents through a real coordinator to `baton logs --follow`,
 * kept whole, filtered by host and event, and refused when a host forges output for another host's command.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { APP_DIR, Cluster, REPO_ROOT } from '../harness/cluster.js';
import { isFinished, type DeploymentJson } from '../harness/deployments.js';
import { startProcess, type RunningProcess } from '../harness/processes.js';

const BATON = join(REPO_ROOT, 'packages/coordinator/bin/baton.js');
const PAUSE_SECONDS = 3;

/** A bundle whose ApplicationStart prints, pauses, then prints again; ValidateService just prints. */
function writeTalkingBundle(dir: string): string {
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'app', 'index.html'), 'talking\n');
  writeFileSync(
    join(dir, 'appspec.yml'),
    ['version: 0.0', 'os: linux', 'files:', '  - source: app', `    destination: ${APP_DIR}/talking`, 'hooks:',
      ...['ApplicationStart', 'ValidateService'].flatMap((hook) => [`  ${hook}:`, '    - location: scripts/talk.sh', '      timeout: 60']), ''].join('\n'),
  );
  const script = join(dir, 'scripts', 'talk.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'echo "hello from $BATON_E2E_HOST"',
      'echo "a warning from $BATON_E2E_HOST" >&2',
      `[ "$LIFECYCLE_EVENT" = "ApplicationStart" ] && sleep ${PAUSE_SECONDS}`,
      // stdout and stderr are two pipes: lines written back to back on both have no order the agent can keep.
      'sleep 0.2',
      'echo "bye from $BATON_E2E_HOST"',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return dir;
}

describe('live hook output', () => {
  let cluster: Cluster;
  let bundles: string;
  let follower: RunningProcess | undefined;

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 2 });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    for (const args of [['app', 'create', 'talk'], ['group', 'create', 'talk', 'web', '--tag', 'role=web', '--config', 'AllAtOnce']]) {
      const result = await cluster.baton(args);
      if (result.exitCode !== 0) throw new Error(`baton ${args.join(' ')}: ${result.stderr}`);
    }
  }, 120_000);

  afterAll(async () => {
    await follower?.kill('SIGKILL');
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  const get = (id: string) => cluster.batonJson<DeploymentJson>(['deployment', 'get', id]);
  const follow = (args: readonly string[]) =>
    startProcess('baton logs', process.execPath, [BATON, 'logs', ...args, '--color', 'never'], { BATON_URL: cluster.url, BATON_TOKEN: cluster.token });
  let deploymentId: string;

  it('streams each line to `baton logs --follow` while the hook still runs, and ends with the deployment', async () => {
    const bundle = writeTalkingBundle(join(bundles, 'talking'));
    ({ deploymentId } = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'talk', 'web', '--bundle', bundle]));
    follower = follow([deploymentId, '--follow']);

    await follower.waitFor(/^web1 ApplicationStart \[stdout\] hello from web1$/m, 30_000);
    // The script is still in its pause: the line came as it was written, not with the result.
    const during = await get(deploymentId);
    const web1 = during.instances.find((instance) => instance.name === 'web1')!;
    expect(web1.lifecycleEvents.find((event) => event.lifecycleEventName === 'ApplicationStart')?.status).toBe('InProgress');
    expect(follower.output).not.toContain('bye from web1');

    expect(await follower.exited).toBe(0); // the deployment ended, and so did the follow
    expect((await get(deploymentId)).status).toBe('Succeeded');
    for (const host of ['web1', 'web2']) {
      for (const event of ['ApplicationStart', 'ValidateService']) {
        expect(follower.output).toContain(`${host} ${event} [agent] Script - scripts/talk.sh\n`);
        expect(follower.output).toContain(`${host} ${event} [stdout] hello from ${host}\n`);
        expect(follower.output).toContain(`${host} ${event} [stderr] a warning from ${host}\n`);
        expect(follower.output).toContain(`${host} ${event} [stdout] bye from ${host}\n`);
      }
    }
  });

  it('prints the kept output afterwards, filtered by host and event', async () => {
    const filtered = await cluster.baton(['logs', deploymentId, '--host', 'web2', '--event', 'ValidateService']);
    expect(filtered.exitCode).toBe(0);
    expect(filtered.stdout).toBe(
      [
        'web2 ValidateService [agent] LifecycleEvent - ValidateService',
        'web2 ValidateService [agent] Script - scripts/talk.sh',
        'web2 ValidateService [stdout] hello from web2',
        'web2 ValidateService [stderr] a warning from web2',
        'web2 ValidateService [stdout] bye from web2',
        '',
      ].join('\n'),
    );
    const json = await cluster.baton(['logs', deploymentId, '--host', 'web1', '--json']);
    const records = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { host: string; seq: number; event: string });
    expect(new Set(records.map(({ host }) => host))).toEqual(new Set(['web1']));
    expect(records.filter(({ event }) => event === 'ApplicationStart').map(({ seq }) => seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses output that a host sends for another host\'s command', async () => {
    const { token } = await cluster.batonJson<{ token: string }>(['enroll-token', 'create']);
    const enrolled = await fetch(`${cluster.url}/agent/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'rogue', tags: { role: 'none' } }),
    });
    const { credential } = (await enrolled.json()) as { credential: string };
    const deployment = await get(deploymentId);
    const web2 = deployment.instances.find((instance) => instance.name === 'web2')!;
    const socket = new WebSocket(`${cluster.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Bearer ${credential}` } });
    try {
      await new Promise((resolve, reject) => socket.once('message', resolve).once('error', reject)); // welcome
      const frame = (message: object) => JSON.stringify({ v: 1, ...message });
      socket.send(frame({ type: 'hello', agentVersion: '0.0.0', protocolVersion: 1, facts: { hostname: 'rogue', platform: 'linux', os: 'Linux', arch: 'x64', release: '1' } }));
      socket.send(frame({
        type: 'hook-output',
        commandId: `${deploymentId}.${web2.hostId}.ApplicationStart`,
        seq: 99,
        lines: [{ stream: 'stdout', text: 'forged line', at: new Date().toISOString() }],
      }));
      await cluster.coordinator.waitFor(/hook output for a command of another host refused/);
    } finally {
      socket.close();
    }
    const all = await cluster.baton(['logs', deploymentId]);
    expect(all.stdout).toContain('web2 ApplicationStart [stdout] hello from web2');
    expect(all.stdout).not.toContain('forged line');
  });

  it('ends a follow of a finished deployment at once', async () => {
    expect(isFinished(await get(deploymentId))).toBe(true);
    const again = await cluster.baton(['logs', deploymentId, '--follow'], 10_000);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('web1 ApplicationStart [stdout] bye from web1');
  });
});
