import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHookScripts, type HookScript, type RunHookInput } from './hook-runner.js';
import type { OutputLine } from '@baton/shared';
import { formatLogLine, LOG_TAIL_CHARS } from './output-log.js';

/**
 * Real shell scripts in a temp dir, run for real. Scripts that start background processes write their pids to
 * files so the tests can check them and kill survivors afterwards.
 */

let root: string;
let bundleDir: string;
let logFile: string;
const survivors: number[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baton-hooks-'));
  chmodSync(root, 0o755); // runas users must reach the scripts
  bundleDir = join(root, 'bundle');
  logFile = join(root, 'group', 'deployment', 'logs', 'scripts.log');
  mkdirSync(bundleDir);
});

afterEach(() => {
  for (const pid of survivors.splice(0)) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

function writeScript(location: string, body: string, mode = 0o755): void {
  const path = join(bundleDir, location);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode });
}

function run(scripts: HookScript[], overrides: Partial<RunHookInput> = {}) {
  return runHookScripts({ event: 'ApplicationStart', scripts, bundleDir, env: {}, logFile, killGraceMs: 300, ...overrides });
}

const script = (location: string, timeoutSeconds = 10): HookScript => ({ location, timeoutSeconds });

const readLog = (): string => readFileSync(logFile, 'utf8');

/** The log lines without their timestamps. */
const logLines = (): string[] => readLog().trimEnd().split('\n').map((line) => line.replace(/^\S+ /, ''));

function readPid(name: string): number {
  const pid = Number(readFileSync(join(root, name), 'utf8').trim());
  survivors.push(pid);
  return pid;
}

/** Alive and not a zombie: this VM's PID 1 never reaps orphans, so a killed grandchild can stay a zombie. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

describe('runHookScripts', () => {
  it('succeeds with nothing to do and writes no log', async () => {
    const outcome = await run([]);
    expect(outcome).toEqual({ status: 'Succeeded', diagnostics: { errorCode: 'Success', message: 'Succeeded', logTail: '' } });
  });

  it('runs a script by absolute path with the hook environment, stdin closed, and logs its output', async () => {
    writeScript(
      'scripts/start.sh',
      ['echo "event=$LIFECYCLE_EVENT deployment=$DEPLOYMENT_ID"', 'echo "script=$0"', 'read line || echo "stdin closed"'].join('\n'),
    );
    const lines: OutputLine[] = [];
    const outcome = await run([script('scripts/start.sh')], {
      env: { LIFECYCLE_EVENT: 'ApplicationStart', DEPLOYMENT_ID: 'd-123' },
      onOutput: (line) => lines.push(line),
    });

    expect(outcome.status).toBe('Succeeded');
    expect(outcome.diagnostics).toMatchObject({ errorCode: 'Success', message: 'Succeeded' });
    expect(outcome.diagnostics.scriptName).toBeUndefined();
    expect(logLines()).toEqual([
      'LifecycleEvent - ApplicationStart',
      'Script - scripts/start.sh',
      '[stdout]event=ApplicationStart deployment=d-123',
      `[stdout]script=${join(bundleDir, 'scripts/start.sh')}`,
      '[stdout]stdin closed',
    ]);
    expect(lines.map(formatLogLine).join('\n') + '\n').toBe(readLog());
    expect(lines.map(({ stream }) => stream)).toEqual(['agent', 'agent', 'stdout', 'stdout', 'stdout']);
    expect(outcome.diagnostics.logTail).toBe(readLog());
    expect(readLog()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z LifecycleEvent - ApplicationStart\n/);
  });

  it('prefixes stdout and stderr lines and keeps them in arrival order, appending to earlier events', async () => {
    writeScript('order.sh', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; printf three');
    await run([script('order.sh')], { event: 'BeforeInstall' });
    const outcome = await run([script('order.sh')]);

    expect(logLines()).toEqual([
      'LifecycleEvent - BeforeInstall',
      'Script - order.sh',
      '[stdout]one',
      '[stderr]two',
      '[stdout]three',
      'LifecycleEvent - ApplicationStart',
      'Script - order.sh',
      '[stdout]one',
      '[stderr]two',
      '[stdout]three',
    ]);
    expect(outcome.diagnostics.logTail).not.toContain('BeforeInstall');
  });

  it('writes each line to the log as it arrives, not when the script ends', async () => {
    writeScript('slow.sh', `echo first; while [ ! -e "${root}/go" ]; do sleep 0.05; done; echo second`);
    const seen: string[] = [];
    const running = run([script('slow.sh')], {
      onOutput: (line) => {
        if (line.stream !== 'stdout' || line.text !== 'first') return;
        seen.push(readLog()); // on disk before the script is allowed to go on
        writeFileSync(join(root, 'go'), '');
      },
    });

    expect((await running).status).toBe('Succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('[stdout]first');
    expect(seen[0]).not.toContain('second');
  });

  it('fails with the exit code of a failing script', async () => {
    writeScript('fail.sh', 'echo broken >&2; exit 3');
    const outcome = await run([script('fail.sh')]);
    expect(outcome.status).toBe('Failed');
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptFailed',
      scriptName: 'fail.sh',
      message: 'Script at specified location: fail.sh run as user root failed with exit code 3',
    });
    expect(outcome.diagnostics.logTail).toContain('[stderr]broken');
  });

  it('names the signal that killed a script', async () => {
    writeScript('killed.sh', 'kill -KILL $$');
    const outcome = await run([script('killed.sh')]);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptFailed',
      message: 'Script at specified location: killed.sh run as user root was killed by signal SIGKILL',
    });
  });

  it('runs scripts in order and stops at the first failure', async () => {
    writeScript('a.sh', `echo a >> "${root}/ran"`);
    writeScript('b.sh', `echo b >> "${root}/ran"; exit 1`);
    writeScript('c.sh', `echo c >> "${root}/ran"`);
    const outcome = await run([script('a.sh'), script('b.sh'), script('c.sh')]);

    expect(outcome.diagnostics).toMatchObject({ errorCode: 'ScriptFailed', scriptName: 'b.sh' });
    expect(readFileSync(join(root, 'ran'), 'utf8')).toBe('a\nb\n');
    expect(logLines().filter((line) => line.startsWith('Script - '))).toEqual(['Script - a.sh', 'Script - b.sh']);
  });

  it('kills the whole process group at the deadline, grandchildren included', async () => {
    writeScript('hang.sh', [`sh -c 'echo $$ > "${root}/grandchild"; sleep 60' &`, 'echo started', 'wait'].join('\n'));
    const started = Date.now();
    const outcome = await run([script('hang.sh', 1)]);

    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptTimedOut',
      scriptName: 'hang.sh',
      message: 'Script at specified location: hang.sh failed to complete in 1 seconds',
    });
    expect(outcome.diagnostics.logTail).toContain('[stdout]started');
    expect(isRunning(readPid('grandchild'))).toBe(false);
  });

  it('ends the group at once when the agent stops, and fails the event as AgentRestarted', async () => {
    writeScript('long.sh', [`sh -c 'echo $$ > "${root}/grandchild"; sleep 60' &`, 'echo started', 'wait'].join('\n'));
    const stopping = new AbortController();
    const started = Date.now();
    const outcome = run([script('long.sh', 60)], { signal: stopping.signal });
    await expect.poll(() => readLog(), { timeout: 5000 }).toContain('[stdout]started');
    stopping.abort();

    expect((await outcome).diagnostics).toMatchObject({
      errorCode: 'AgentRestarted',
      message: 'Script at specified location: long.sh run as user root was ended because the agent is stopping',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(isRunning(readPid('grandchild'))).toBe(false);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    writeScript('stubborn.sh', [`trap '' TERM`, `echo $$ > "${root}/lead"`, 'while :; do sleep 0.05; done'].join('\n'));
    const outcome = await run([script('stubborn.sh', 1)]);
    expect(outcome.diagnostics.errorCode).toBe('ScriptTimedOut');
    expect(isRunning(readPid('lead'))).toBe(false);
  });

  it('does not hang when a background process keeps stdout open: fails at the deadline and kills it', async () => {
    writeScript('leak.sh', [`sleep 60 &`, `echo $! > "${root}/background"`, 'echo launched', 'exit 0'].join('\n'));
    const started = Date.now();
    const outcome = await run([script('leak.sh', 2)]);

    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(6000);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptTimedOut',
      scriptName: 'leak.sh',
      message: 'Script at specified location: leak.sh failed to close STDOUT',
    });
    expect(outcome.diagnostics.logTail).toContain('[stdout]launched');
    expect(isRunning(readPid('background'))).toBe(false);
  });

  it('does not hang when the process holding stdout left the process group', async () => {
    writeScript('escape.sh', [`setsid sh -c 'echo $$ > "${root}/escaped"; exec sleep 60' &`, 'sleep 0.2', 'exit 0'].join('\n'));
    const started = Date.now();
    const outcome = await run([script('escape.sh', 1)]);

    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.diagnostics.message).toBe('Script at specified location: escape.sh failed to close STDOUT');
    expect(isRunning(readPid('escaped'))).toBe(true); // out of reach of the group kill, but no longer our problem
  });

  it('succeeds at once when the background process redirects its descriptors, and leaves it running', async () => {
    writeScript('daemon.sh', [`sleep 60 > /dev/null 2>&1 < /dev/null &`, `echo $! > "${root}/daemon"`, 'echo started'].join('\n'));
    const started = Date.now();
    const outcome = await run([script('daemon.sh', 30)]);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.status).toBe('Succeeded');
    expect(isRunning(readPid('daemon'))).toBe(true);
  });

  it('runs as the runas user with its identity', async () => {
    writeScript('whoami.sh', ['id -un', 'echo "HOME=$HOME USER=$USER LOGNAME=$LOGNAME"', 'echo "$DEPLOYMENT_ID"'].join('\n'));
    const outcome = await run([{ ...script('whoami.sh'), runas: 'nobody' }], { env: { DEPLOYMENT_ID: 'd-9' } });

    expect(outcome.status).toBe('Succeeded');
    const home = execFileSync('getent', ['passwd', 'nobody'], { encoding: 'utf8' }).split(':')[5];
    expect(logLines().slice(2)).toEqual(['[stdout]nobody', `[stdout]HOME=${home} USER=nobody LOGNAME=nobody`, '[stdout]d-9']);
  });

  it('names the runas user when a script run as another user fails', async () => {
    writeScript('fail.sh', 'exit 4');
    const outcome = await run([{ ...script('fail.sh'), runas: 'nobody' }]);
    expect(outcome.diagnostics.message).toBe('Script at specified location: fail.sh run as user nobody failed with exit code 4');
  });

  it('kills a runas script and its children at the deadline', async () => {
    writeScript('hang.sh', [`sh -c 'echo $$ >&2; sleep 60' &`, 'wait'].join('\n'));
    const lines: OutputLine[] = [];
    const outcome = await run([{ ...script('hang.sh', 1), runas: 'nobody' }], { onOutput: (line) => lines.push(line) });

    expect(outcome.diagnostics.errorCode).toBe('ScriptTimedOut');
    const child = Number(lines.find((line) => line.stream === 'stderr')?.text);
    expect(child).toBeGreaterThan(0);
    survivors.push(child);
    expect(isRunning(child)).toBe(false);
  });

  it('fails clearly when the runas user does not exist', async () => {
    writeScript('any.sh', 'true');
    const outcome = await run([{ ...script('any.sh'), runas: 'no-such-user-baton' }]);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptFailed',
      message: 'Script at specified location: any.sh run as user no-such-user-baton cannot start: no such user',
    });
  });

  it('fails a script whose interpreter is missing', async () => {
    writeFileSync(join(bundleDir, 'odd.sh'), '#!/no/such/interpreter\necho never\n', { mode: 0o755 });
    const outcome = await run([script('odd.sh')]);
    expect(outcome.diagnostics).toMatchObject({ errorCode: 'ScriptFailed', scriptName: 'odd.sh' });
    expect(outcome.diagnostics.message).toMatch(/^Script at specified location: odd\.sh run as user root could not start: .*ENOENT/);
  });

  it('treats a location with a leading slash as relative to the bundle, like the reference', async () => {
    writeScript('scripts/start.sh', 'echo ran');
    expect((await run([script('/scripts/start.sh')])).status).toBe('Succeeded');
  });

  it('reports a missing script with its absolute path', async () => {
    const outcome = await run([script('scripts/missing.sh')]);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptMissing',
      scriptName: 'scripts/missing.sh',
      message: `Script does not exist at specified location: ${join(bundleDir, 'scripts/missing.sh')}`,
    });
    expect(outcome.diagnostics.logTail).toContain('Script does not exist at specified location');
  });

  it('makes a script without execute permission executable and runs it', async () => {
    writeScript('plain.sh', 'echo ran', 0o644);
    const outcome = await run([script('plain.sh')]);
    expect(outcome.status).toBe('Succeeded');
    expect(statSync(join(bundleDir, 'plain.sh')).mode & 0o777).toBe(0o755);
    expect(logLines()).toContain('[stdout]ran');
  });

  it('fails when the script location is a directory', async () => {
    mkdirSync(join(bundleDir, 'scripts'));
    const outcome = await run([script('scripts')]);
    expect(outcome.diagnostics).toMatchObject({
      errorCode: 'ScriptNotExecutable',
      message: 'Script at specified location: scripts is not executable: it is not a regular file',
    });
  });

  it('fails when chmod +x is refused (an immutable file)', async (context) => {
    writeScript('frozen.sh', 'echo ran', 0o644);
    const path = join(bundleDir, 'frozen.sh');
    if (!tryCommand('chattr', ['+i', path])) context.skip('this filesystem does not support immutable files');
    try {
      const outcome = await run([script('frozen.sh')]);
      expect(outcome.diagnostics).toMatchObject({
        errorCode: 'ScriptNotExecutable',
        message: 'Script at specified location: frozen.sh is not executable: chmod +x failed (EPERM)',
      });
    } finally {
      execFileSync('chattr', ['-i', path]);
    }
  });

  it('fails when the script stays unexecutable after chmod +x (a noexec mount)', async (context) => {
    const mount = join(root, 'noexec');
    mkdirSync(mount);
    if (!tryCommand('mount', ['-t', 'tmpfs', '-o', 'noexec,mode=0755', 'tmpfs', mount])) context.skip('cannot mount here');
    try {
      bundleDir = mount;
      writeScript('start.sh', 'echo ran', 0o644);
      const outcome = await run([script('start.sh')]);
      expect(outcome.diagnostics).toMatchObject({
        errorCode: 'ScriptNotExecutable',
        message: 'Script at specified location: start.sh is not executable: still not executable after chmod +x (is it on a noexec mount?)',
      });
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('reports the last output in the tail, bounded, on success too', async () => {
    writeScript('chatty.sh', 'i=0; while [ $i -lt 2000 ]; do echo "line $i of noise"; i=$((i+1)); done; echo THE-END');
    const outcome = await run([script('chatty.sh')]);

    const { logTail } = outcome.diagnostics;
    expect(outcome.status).toBe('Succeeded');
    expect(logTail.length).toBeLessThanOrEqual(LOG_TAIL_CHARS);
    expect(logTail.length).toBeGreaterThanOrEqual(4096);
    expect(logTail).toMatch(/\[stdout\]line 1999 of noise\n\S+ \[stdout\]THE-END\n$/);
    expect(readLog().endsWith(logTail)).toBe(true);
    expect(readLog()).toContain('[stdout]line 0 of noise');
  });

  it('throws, after the script settles, when recording its output fails', async () => {
    writeScript('talk.sh', 'echo hello');
    const failing = run([script('talk.sh')], {
      onOutput: (line) => {
        if (line.stream === 'stdout') throw new Error('listener broke');
      },
    });
    await expect(failing).rejects.toThrow(/cannot record script output/);
  });

  it('throws when the log cannot be written', async () => {
    writeScript('any.sh', 'true');
    writeFileSync(join(root, 'group'), 'a file where the log directory should be');
    await expect(run([script('any.sh')])).rejects.toThrow(/cannot open script log/);
  });
});

function tryCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
