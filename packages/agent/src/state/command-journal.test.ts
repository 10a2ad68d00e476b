import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventResult, RunEvent } from '@baton/shared';
import { identifyProcess, isSameProcess } from '../process/process-identity.js';
import { AGENT_RESTARTED_MESSAGE, CommandJournal } from './command-journal.js';

const command = (commandId: string): RunEvent => ({
  type: 'run-event',
  commandId,
  event: 'ApplicationStart',
  deployment: {
    deploymentId: 'd-1',
    applicationName: 'app',
    deploymentGroupName: 'prod',
    deploymentGroupId: 'dg-1',
    creator: 'user',
    revision: { sha256: 'a'.repeat(64), size: 10, bundleType: 'tgz' },
    ignoreApplicationStopFailures: false,
  },
});

const succeeded = (commandId: string, endTime: string): EventResult => ({
  type: 'event-result',
  commandId,
  status: 'Succeeded',
  startTime: '2026-01-01T00:00:00.000Z',
  endTime,
  diagnostics: { errorCode: 'Success', message: 'Succeeded', logTail: '' },
});

describe('CommandJournal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'baton-journal-')), 'commands');
  });
  afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

  it('ends the hook script an interrupted event left running, and only that very process', async () => {
    // A script as the hook runner starts it: the leader of its own process group, with a child.
    const orphan = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    const exited = once(orphan, 'exit');
    const script = identifyProcess(orphan.pid!)!;
    const before = await CommandJournal.open(dir);
    await before.markRunning(command('d-1.h-1.ApplicationStart'), '2026-01-01T00:00:00.000Z');
    await before.markScriptStarted(command('d-1.h-1.ApplicationStart'), '2026-01-01T00:00:00.000Z', script);
    // Another entry names the same pid with another start time: a process that reused the number is left alone.
    const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    await before.markRunning(command('d-1.h-2.ApplicationStart'), '2026-01-01T00:00:00.000Z');
    await before.markScriptStarted(command('d-1.h-2.ApplicationStart'), '2026-01-01T00:00:00.000Z', { ...identifyProcess(bystander.pid!)!, startTicks: '1' });

    const results = await (await CommandJournal.open(dir)).recoverInterrupted(new Date());

    expect(results.map((r) => r.diagnostics.errorCode)).toEqual(['AgentRestarted', 'AgentRestarted']);
    expect((await exited)[1]).toBe('SIGKILL');
    expect(isSameProcess(identifyProcess(bystander.pid!)!)).toBe(true);
    bystander.kill('SIGKILL');
  });

  it('fails every running entry with AgentRestarted when a new process opens the journal', async () => {
    const before = await CommandJournal.open(dir);
    await before.markRunning(command('c-1'), '2026-01-01T00:00:00.000Z');
    await before.markDone(command('c-2'), succeeded('c-2', '2026-01-01T00:00:01.000Z'));

    const after = await CommandJournal.open(dir);
    const recovered = await after.recoverInterrupted(new Date('2026-01-01T00:05:00.000Z'));

    const restarted: EventResult = {
      type: 'event-result',
      commandId: 'c-1',
      status: 'Failed',
      startTime: '2026-01-01T00:00:00.000Z',
      endTime: '2026-01-01T00:05:00.000Z',
      diagnostics: { errorCode: 'AgentRestarted', message: AGENT_RESTARTED_MESSAGE, logTail: '' },
    };
    expect(recovered).toEqual([restarted]);
    expect(await after.lookup('c-1')).toEqual({ status: 'done', command: command('c-1'), result: restarted });
    expect(await after.unacknowledged()).toEqual([succeeded('c-2', '2026-01-01T00:00:01.000Z'), restarted]);
    expect(await after.recoverInterrupted(new Date())).toEqual([]);
  });

  it('keeps a result until it is acknowledged, then forgets it', async () => {
    const journal = await CommandJournal.open(dir);
    await journal.markRunning(command('c-1'), '2026-01-01T00:00:00.000Z');
    expect(await journal.lookup('c-1')).toMatchObject({ status: 'running' });
    await journal.markDone(command('c-1'), succeeded('c-1', '2026-01-01T00:00:02.000Z'));
    expect(await journal.unacknowledged()).toHaveLength(1);

    await journal.acknowledge('c-1');
    await journal.acknowledge('never-seen');
    expect(await journal.lookup('c-1')).toBeUndefined();
    expect(await journal.unacknowledged()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps hostile command ids inside the journal directory, private to the agent', async () => {
    const journal = await CommandJournal.open(dir);
    await journal.markRunning(command('../../escape'), '2026-01-01T00:00:00.000Z');
    await journal.markRunning(command('..'), '2026-01-01T00:00:00.000Z');
    const names = await readdir(dir);
    expect(names).toHaveLength(2);
    expect(names.every((name) => !name.includes('/') && !name.startsWith('..'))).toBe(true);
    expect((await stat(join(dir, names[0]!))).mode & 0o777).toBe(0o600);
    expect(await journal.lookup('../../escape')).toMatchObject({ status: 'running' });
  });

  it('journals a command without its variables and secrets, running or done', async () => {
    const journal = await CommandJournal.open(dir);
    const withSecrets: RunEvent = { ...command('c-1'), variables: { REGION: 'eu-west-1' }, secrets: { DB_PASSWORD: 'hunter2-of-the-vault' } };
    await journal.markRunning(withSecrets, '2026-01-01T00:00:00.000Z');
    const running = await readFile(join(dir, 'c-1.json'), 'utf8');
    await journal.markDone(withSecrets, succeeded('c-1', '2026-01-01T00:00:01.000Z'));
    const done = await readFile(join(dir, 'c-1.json'), 'utf8');

    for (const text of [running, done]) {
      expect(text).not.toContain('hunter2-of-the-vault');
      expect(text).not.toContain('eu-west-1');
    }
    expect(await journal.lookup('c-1')).toEqual({ status: 'done', command: command('c-1'), result: succeeded('c-1', '2026-01-01T00:00:01.000Z') });
  });

  it('refuses a corrupt entry loudly instead of guessing', async () => {
    const journal = await CommandJournal.open(dir);
    await writeFile(join(dir, 'c-9.json'), '{"status":"running"');
    await expect(journal.unacknowledged()).rejects.toThrow(/corrupt journal entry/);
  });
});
