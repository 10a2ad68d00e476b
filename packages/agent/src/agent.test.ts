/**
 * The agent against a coordinator played by the test (real HTTP + WebSocket on port 0), running real tgz
 * bundles with real hook scripts. `--files-root` keeps every appspec destination inside the temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inPlaceEvents, type DeploymentContext, type LifecycleEventName, type RunEvent } from '@baton/shared';
import { startAgent, type RunningAgent } from './agent.js';
import { parseAgentConfig, type AgentConfig } from './config.js';
import { ENROLL_TOKEN, FakeCoordinator } from './fake-coordinator.test-support.js';
import { createAgentLogger } from './logging.js';
import { AGENT_RESTARTED_MESSAGE } from './state/command-journal.js';
import { buildTgzBundle, deploymentOf } from './test-bundle.test-support.js';

const RECORD_SCRIPT = (revision: string) => `#!/bin/sh
echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID $CUSTOM from=${revision}" >> "$BATON_FILES_ROOT/hooks.log"
`;

const APPSPEC = `version: 0.0
os: linux
files:
  - source: app
    destination: /srv/app
hooks:
  ApplicationStop: [{ location: scripts/record.sh }]
  BeforeInstall: [{ location: scripts/before-install.sh }]
  AfterInstall: [{ location: scripts/record.sh }]
  ApplicationStart: [{ location: scripts/record.sh }]
  ValidateService: [{ location: scripts/record.sh, timeout: 30 }]
`;

const revisionBundle = (revision: string, beforeInstall = RECORD_SCRIPT(revision)) =>
  buildTgzBundle({
    'appspec.yml': APPSPEC,
    'scripts/record.sh': RECORD_SCRIPT(revision),
    'scripts/before-install.sh': beforeInstall,
    'app/index.html': `revision ${revision}\n`,
  });

/** Command ids with a slash also prove that the journal encodes them safely. */
const runEvent = (deployment: DeploymentContext, event: LifecycleEventName): RunEvent => ({
  type: 'run-event',
  commandId: `${deployment.deploymentId}/${event}`,
  event,
  deployment,
});

async function runLifecycle(coordinator: FakeCoordinator, deployment: DeploymentContext) {
  const outcomes: Record<string, string> = {};
  for (const event of inPlaceEvents(false)) {
    const command = runEvent(deployment, event);
    coordinator.send(command);
    const result = await coordinator.resultOf(command.commandId);
    outcomes[event] = `${result.status} ${result.diagnostics.message}`;
  }
  return outcomes;
}

let temp: string;
let coordinator: FakeCoordinator;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-agent-'));
  // The hook scripts write their evidence under the files root, which the first hooks run before Install.
  await mkdir(join(temp, 'files'));
  coordinator = await FakeCoordinator.start();
});
afterEach(async () => {
  await coordinator.close();
  await rm(temp, { recursive: true, force: true });
});

describe('startAgent (in process)', () => {
  let agent: RunningAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  const configFor = (): AgentConfig => {
    const parsed = parseAgentConfig({
      flags: {
        coordinator: coordinator.url,
        enrollToken: ENROLL_TOKEN,
        root: join(temp, 'root'),
        filesRoot: join(temp, 'files'),
        tags: 'role=web',
        env: ['CUSTOM=custom-value'],
        maxRevisions: '2',
      },
      file: undefined,
      fileName: 'agent.yml',
      hostname: 'test-host',
    });
    if (!parsed.ok) throw new Error(parsed.error.join('; '));
    return parsed.value;
  };

  const start = async (config: AgentConfig) => {
    const hello = coordinator.waitForNext((message) => message.type === 'hello');
    agent = await startAgent(config, createAgentLogger({ file: config.layout.logFile, stderrLevel: 'silent' }));
    return hello;
  };

  it('enrolls, says hello and runs two full in-place deployments', async () => {
    const config = configFor();
    expect(await start(config)).toMatchObject({ type: 'hello', protocolVersion: 1, agentVersion: '0.1.0' });
    expect(coordinator.enrollments).toEqual([
      expect.objectContaining({ token: ENROLL_TOKEN, name: 'test-host', tags: { role: 'web' } }),
    ]);
    expect((await stat(config.layout.credentialsFile)).mode & 0o777).toBe(0o600);

    const first = await revisionBundle('r1');
    coordinator.revisions.set(first.sha256, first.bytes);
    const d1 = deploymentOf('d-1', first);
    expect(await runLifecycle(coordinator, d1)).toEqual({
      ApplicationStop: 'Succeeded no previous successful install: nothing to run',
      DownloadBundle: expect.stringMatching(/^Succeeded/),
      BeforeInstall: 'Succeeded Succeeded',
      Install: 'Succeeded installed',
      AfterInstall: 'Succeeded Succeeded',
      ApplicationStart: 'Succeeded Succeeded',
      ValidateService: 'Succeeded Succeeded',
    });
    // Every event reported its start before its result.
    for (const event of inPlaceEvents(false)) {
      expect(coordinator.framesOf('event-started', `d-1/${event}`)).toHaveLength(1);
    }
    expect(await readFile(join(temp, 'files/srv/app/index.html'), 'utf8')).toBe('revision r1\n');

    const second = await revisionBundle('r2');
    coordinator.revisions.set(second.sha256, second.bytes);
    const d2 = deploymentOf('d-2', second);
    expect((await runLifecycle(coordinator, d2)).ApplicationStop).toBe('Succeeded Succeeded');
    expect(await readFile(join(temp, 'files/srv/app/index.html'), 'utf8')).toBe('revision r2\n');

    // ApplicationStop ran the last successful revision's script; every hook saw the reference's variables.
    expect((await readFile(join(temp, 'files/hooks.log'), 'utf8')).trim().split('\n')).toEqual([
      'BeforeInstall d-1 shop prod dg-1 custom-value from=r1',
      'AfterInstall d-1 shop prod dg-1 custom-value from=r1',
      'ApplicationStart d-1 shop prod dg-1 custom-value from=r1',
      'ValidateService d-1 shop prod dg-1 custom-value from=r1',
      'ApplicationStop d-2 shop prod dg-1 custom-value from=r1',
      'BeforeInstall d-2 shop prod dg-1 custom-value from=r2',
      'AfterInstall d-2 shop prod dg-1 custom-value from=r2',
      'ApplicationStart d-2 shop prod dg-1 custom-value from=r2',
      'ValidateService d-2 shop prod dg-1 custom-value from=r2',
    ]);
    const scriptsLog = await readFile(join(config.layout.deploymentRoot, 'dg-1/d-2/logs/scripts.log'), 'utf8');
    expect(scriptsLog).toContain('ApplicationStop');
    // A third DownloadBundle prunes beyond max-revisions (2), keeping the last successful install and itself.
    const third = await revisionBundle('r3');
    coordinator.revisions.set(third.sha256, third.bytes);
    const download = runEvent(deploymentOf('d-3', third), 'DownloadBundle');
    coordinator.send(download);
    expect((await coordinator.resultOf(download.commandId)).status).toBe('Succeeded');
    expect((await readdir(join(config.layout.deploymentRoot, 'dg-1'))).sort()).toEqual(['d-2', 'd-3']);

    // Acknowledged results are forgotten.
    await expect.poll(() => readdir(config.layout.commandsDir)).toEqual([]);
  });

  it('refuses a bundle whose appspec is invalid, naming file, key and reason', async () => {
    await start(configFor());
    const bad = await buildTgzBundle({
      'appspec.yml': 'version: 0.0\nos: linux\nhooks:\n  Foo: [{ location: x.sh }]\n',
    });
    coordinator.revisions.set(bad.sha256, bad.bytes);
    const command = runEvent(deploymentOf('d-bad', bad), 'DownloadBundle');
    coordinator.send(command);
    const result = await coordinator.resultOf(command.commandId);
    expect(result.status).toBe('Failed');
    expect(result.diagnostics.errorCode).toBe('UnknownError');
    expect(result.diagnostics.message).toMatch(/^appspec\.yml: hooks\.Foo: /);
  });

  it('runs a duplicate run-event once and answers it with the recorded result', async () => {
    await start(configFor());
    coordinator.autoAck = false;
    const bundle = await revisionBundle('r1');
    coordinator.revisions.set(bundle.sha256, bundle.bytes);
    const command = runEvent(deploymentOf('d-1', bundle), 'DownloadBundle');
    coordinator.send('{"this is": "not a frame"');
    coordinator.send(command);
    coordinator.send(command);

    const first = await coordinator.resultOf(command.commandId);
    await expect.poll(() => coordinator.framesOf('event-result', command.commandId).length).toBe(2);
    expect(coordinator.framesOf('event-result', command.commandId)).toEqual([first, first]);
    expect(coordinator.framesOf('event-started', command.commandId)).toHaveLength(1);
  });

  it('runs a redelivered run-event once even when the ack of its result comes right behind it', async () => {
    const config = configFor();
    await start(config);
    coordinator.autoAck = false;
    const bundle = await revisionBundle('r1');
    coordinator.revisions.set(bundle.sha256, bundle.bytes);
    const command = runEvent(deploymentOf('d-1', bundle), 'ApplicationStop');
    coordinator.send(command);
    await coordinator.resultOf(command.commandId);

    // As after a coordinator restart: the outbox redelivers the command, then the resent result is acknowledged,
    // while the agent is still busy with an earlier command.
    const busy = runEvent(deploymentOf('d-2', bundle), 'DownloadBundle');
    coordinator.send(busy);
    coordinator.send(command);
    coordinator.send({ type: 'result-ack', commandId: command.commandId });
    await coordinator.resultOf(busy.commandId);
    coordinator.send({ type: 'result-ack', commandId: busy.commandId });
    await expect.poll(() => readdir(config.layout.commandsDir)).toEqual([]);
    await expect.poll(() => coordinator.framesOf('event-result', command.commandId).length).toBe(2);
    expect(coordinator.framesOf('event-started', command.commandId)).toHaveLength(1);
  });

  it('fails an event it cannot journal (a full disk) at once, without running it', async () => {
    const config = configFor();
    await start(config);
    const bundle = await revisionBundle('r1');
    const command = runEvent(deploymentOf('d-1', bundle), 'ApplicationStop');
    // The journal's temp file is a directory: writing the in-flight marker fails, as on a full disk.
    await mkdir(join(config.layout.commandsDir, `${encodeURIComponent(command.commandId)}.json.tmp`), { recursive: true });
    coordinator.send(command);

    const result = await coordinator.resultOf(command.commandId);
    expect(result.status).toBe('Failed');
    expect(result.diagnostics.errorCode).toBe('UnknownError');
    expect(result.diagnostics.message).toMatch(/^cannot record the event in the command journal: .*EISDIR/);
    expect(coordinator.framesOf('event-started', command.commandId)).toEqual([]);
  });

  it('resends unacknowledged results after a reconnect, until acknowledged', async () => {
    const config = configFor();
    await start(config);
    coordinator.autoAck = false;
    const bundle = await revisionBundle('r1');
    const command = runEvent(deploymentOf('d-1', bundle), 'ApplicationStop');
    coordinator.send(command);
    const result = await coordinator.resultOf(command.commandId);

    const resent = coordinator.waitForNext((message) => message.type === 'event-result');
    coordinator.dropConnection();
    expect(await resent).toEqual(result);
    expect(coordinator.connections).toBe(2);

    coordinator.send({ type: 'result-ack', commandId: command.commandId });
    await expect.poll(() => readdir(config.layout.commandsDir)).toEqual([]);
  });
});

describe('baton-agent run (child process)', () => {
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.length = 0;
    stderrOf.clear();
  });

  const stderrOf = new Map<ChildProcess, string>();

  /** `node --import tsx` rather than `npx tsx`: one process, so a SIGKILL hits the agent itself. */
  const spawnCli = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/agent/src/cli/main.ts', 'run', ...args], {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    stderrOf.set(child, '');
    // Always drained, so a chatty agent can never block on a full pipe.
    child.stderr?.on('data', (chunk: Buffer) => stderrOf.set(child, `${stderrOf.get(child)}${chunk.toString()}`));
    return child;
  };
  const spawnAgent = (extra: string[]) =>
    spawnCli(['--coordinator', coordinator.url, '--root', join(temp, 'root'), '--files-root', join(temp, 'files'), ...extra]);

  it('refuses a bad configuration with every problem at once', async () => {
    const child = spawnCli(['--root', join(temp, 'root'), '--max-revisions', '0']);
    const [code] = (await once(child, 'exit')) as [number | null];
    const stderr = stderrOf.get(child);
    expect(code).toBe(2);
    expect(stderr).toContain('baton-agent: --max-revisions: must be at least 1');
    expect(stderr).toContain('baton-agent: coordinator: required');
  });

  it('reports an event interrupted by SIGKILL as AgentRestarted after restart, and stops on SIGTERM', async () => {
    const hangingBundle = await revisionBundle('r1', '#!/bin/sh\necho $$ > "$BATON_FILES_ROOT/hang.pid"\nexec sleep 60\n');
    coordinator.revisions.set(hangingBundle.sha256, hangingBundle.bytes);
    const deployment = deploymentOf('d-1', hangingBundle);

    const first = spawnAgent(['--enroll-token', ENROLL_TOKEN, '--name', 'child', '--env', 'CUSTOM=x']);
    await coordinator.waitFor((message) => message.type === 'hello');
    coordinator.send(runEvent(deployment, 'DownloadBundle'));
    expect((await coordinator.resultOf('d-1/DownloadBundle')).status).toBe('Succeeded');

    coordinator.send(runEvent(deployment, 'BeforeInstall'));
    await coordinator.waitFor((message) => message.type === 'event-started' && message.commandId === 'd-1/BeforeInstall');
    const hookPid = Number(await waitForFile(join(temp, 'files/hang.pid')));
    first.kill('SIGKILL');
    await once(first, 'exit');
    // The orphaned hook keeps running on its own; the test, not the agent, cleans it up.
    process.kill(-hookPid, 'SIGKILL');

    // No enrollment token the second time: the saved credentials are reused.
    const helloAgain = coordinator.waitForNext((message) => message.type === 'hello');
    const second = spawnAgent([]);
    await helloAgain;
    const restarted = await coordinator.resultOf('d-1/BeforeInstall');
    expect(restarted).toMatchObject({
      status: 'Failed',
      diagnostics: { errorCode: 'AgentRestarted', message: AGENT_RESTARTED_MESSAGE },
    });
    expect(coordinator.enrollments).toHaveLength(1);

    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(await readFile(join(temp, 'root/var/log/baton/agent.log'), 'utf8')).toMatch(/"msg":"agent stopped"/);
  });
});

async function waitForFile(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim() !== '') return text.trim();
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
