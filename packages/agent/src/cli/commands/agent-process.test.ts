/**
 * The real `baton-agent` binary (built dist/) as separate processes, against a coordinator played by the test:
 * `logs --follow` shows hook output while the hook still runs, and SIGTERM in the middle of a hook ends it within
 * the stop bound and reports the event before the agent exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentContext, EventResult, LifecycleEventName } from '@baton/shared';
import { AGENT_BIN } from '../../agent-form.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../../fake-coordinator.test-support.js';
import { buildTgzBundle, deploymentOf } from '../../test-bundle.test-support.js';

interface Child {
  readonly process: ChildProcess;
  output: string;
}

const children: Child[] = [];
function startBin(args: string[]): Child {
  const child: Child = { process: spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }), output: '' };
  child.process.stdout?.on('data', (chunk: Buffer) => (child.output += chunk.toString()));
  child.process.stderr?.on('data', (chunk: Buffer) => (child.output += chunk.toString()));
  children.push(child);
  return child;
}

let temp: string;
let root: string;
let files: string;
let coordinator: FakeCoordinator;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-agent-process-'));
  root = join(temp, 'root');
  files = join(temp, 'files');
  await mkdir(files);
  coordinator = await FakeCoordinator.start();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await once(child.process, 'exit');
    }
  }
  await coordinator.close();
  await rm(temp, { recursive: true, force: true });
});

const APPSPEC = `version: 0.0
os: linux
hooks:
  ApplicationStart: [{ location: start.sh }]
  ValidateService: [{ location: validate.sh, timeout: 300 }]
`;

async function deploymentWith(scripts: Record<string, string>): Promise<DeploymentContext> {
  const bundle = await buildTgzBundle({ 'appspec.yml': APPSPEC, ...scripts });
  coordinator.revisions.set(bundle.sha256, bundle.bytes);
  return deploymentOf('d-1', bundle);
}

const send = (deployment: DeploymentContext, event: LifecycleEventName): string => {
  const commandId = `${deployment.deploymentId}.h-test.${event}`;
  coordinator.send({ type: 'run-event', commandId, event, deployment });
  return commandId;
};

async function startAgent(): Promise<Child> {
  const hello = coordinator.waitFor((message) => message.type === 'hello');
  const agent = startBin(['run', '--coordinator', coordinator.url, '--enroll-token', ENROLL_TOKEN, '--root', root, '--files-root', files, '--stop-grace', '1']);
  await hello;
  return agent;
}

describe('the baton-agent binary', () => {
  it('logs --follow prints hook output while the hook is still running', async () => {
    const deployment = await deploymentWith({
      'start.sh': '#!/bin/sh\necho first\nwhile [ ! -e "$BATON_FILES_ROOT/go" ]; do sleep 0.05; done\necho second >&2\n',
      'validate.sh': '#!/bin/sh\ntrue\n',
    });
    await startAgent();
    const follower = startBin(['logs', '--follow', '--deployment', 'd-1', '--root', root]);
    for (const event of ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall'] as const) {
      await coordinator.resultOf(send(deployment, event));
    }
    const start = send(deployment, 'ApplicationStart');
    await expect.poll(() => follower.output, { timeout: 10_000 }).toMatch(/d-1 ApplicationStart \[stdout\] first\n/);
    expect(coordinator.framesOf('event-result', start)).toEqual([]);
    await writeFile(join(files, 'go'), '');
    await coordinator.resultOf(start);
    await expect.poll(() => follower.output, { timeout: 10_000 }).toMatch(/d-1 ApplicationStart \[stderr\] second\n/);
    expect(follower.output).toMatch(/INFO {2}event finished d-1 ApplicationStart .*status="?Succeeded/);
  });

  it('refuses to run a host that is not enrolled with one line saying what to pass, and no stack', async () => {
    const agent = startBin(['run', '--coordinator', coordinator.url, '--root', root]);
    const [code] = (await once(agent.process, 'exit')) as [number];

    expect(code).toBe(1);
    expect(agent.output).toMatch(/ERROR this host is not enrolled yet \(no .*credentials\.json\): pass --enroll-token\n$/);
    expect(agent.output).not.toMatch(/stack|at .*\.js:\d+/);
  });

  it('on SIGTERM mid-hook, ends the hook after stop-grace, reports the event and exits', async () => {
    const deployment = await deploymentWith({
      'start.sh': '#!/bin/sh\ntrue\n',
      'validate.sh': '#!/bin/sh\nsleep 300 &\necho $! > "$BATON_FILES_ROOT/sleeper"\necho validating\nwait\n',
    });
    const agent = await startAgent();
    for (const event of ['DownloadBundle', 'Install'] as const) await coordinator.resultOf(send(deployment, event));
    const validate = send(deployment, 'ValidateService');
    await coordinator.waitFor((message) => message.type === 'event-started' && message.commandId === validate);
    await expect.poll(() => readFile(join(files, 'sleeper'), 'utf8').catch(() => ''), { timeout: 10_000 }).not.toBe('');
    const sleeper = Number(await readFile(join(files, 'sleeper'), 'utf8'));

    const stoppedAt = Date.now();
    agent.process.kill('SIGTERM');
    const result = (await coordinator.resultOf(validate, 15_000)) as EventResult;
    const [code] = (await once(agent.process, 'exit')) as [number | null];
    expect(Date.now() - stoppedAt).toBeLessThan(1_000 + 5_000 + 5_000);
    expect(code).toBe(0);
    expect(result).toMatchObject({
      status: 'Failed',
      diagnostics: { errorCode: 'AgentRestarted', scriptName: 'validate.sh', logTail: expect.stringContaining('[stdout]validating') },
    });
    expect(isAlive(sleeper)).toBe(false);
    expect(agent.output).toMatch(/did not finish in time; ending its hook/);
    // Reported once: no in-flight marker is left for the next start to report again.
    const journal = join(root, 'var/lib/baton-agent/commands');
    const entries = await Promise.all((await readdir(journal)).map((name) => readFile(join(journal, name), 'utf8')));
    expect(entries.filter((entry) => entry.includes('"status":"running"'))).toEqual([]);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
