import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../agent.js';
import { parseAgentConfig, type AgentConfig } from '../config.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../fake-coordinator.test-support.js';
import { writeInstallRecord } from '../install/install-records.js';
import { createAgentLogger } from '../logging.js';
import { readAgentStatus } from '../status/status-file.js';
import { nextRunAfter } from './next-run.js';
import { LOG_MAX_AGE_MS, runUpkeep } from './run-upkeep.js';
import { UpkeepScheduler } from './upkeep-scheduler.js';

let temp: string;
let config: AgentConfig;
const configWith = (flags: Record<string, string>): AgentConfig => {
  const parsed = parseAgentConfig({ flags: { coordinator: 'http://localhost', root: join(temp, 'root'), ...flags }, file: undefined, fileName: 'agent.yml', hostname: 'h' });
  if (!parsed.ok) throw new Error(parsed.error.join('; '));
  return parsed.value;
};
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-upkeep-'));
  config = configWith({ maxRevisions: '2' });
  await mkdir(config.layout.deploymentRoot, { recursive: true });
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

const aged = async (path: string, ageMs: number): Promise<void> => {
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
};

describe('runUpkeep', () => {
  it('prunes every group to max-revisions, which its spared last successful and most recent installs count in', async () => {
    const group = join(config.layout.deploymentRoot, 'dg-quiet');
    for (let at = 1; at <= 5; at++) {
      await mkdir(join(group, `d-${at}`), { recursive: true });
      await aged(join(group, `d-${at}`), (10 - at) * 60_000);
    }
    await writeInstallRecord(config.layout.deploymentRoot, 'dg-quiet', 'last_successful_install', join(group, 'd-1'));
    await writeInstallRecord(config.layout.deploymentRoot, 'dg-quiet', 'most_recent_install', join(group, 'd-2'));

    const report = await runUpkeep(config, new Date());
    expect([...report.prunedRevisions].sort()).toEqual(['d-3', 'd-4', 'd-5'].map((name) => join(group, name)));
  });

  it('removes rotated agent logs past their age, never the current log', async () => {
    await mkdir(config.layout.logDir, { recursive: true });
    for (const name of ['agent.log', 'agent.log.1', 'agent.log.2', 'agent.log.bak']) await writeFile(join(config.layout.logDir, name), 'x\n');
    for (const name of ['agent.log', 'agent.log.2', 'agent.log.bak']) await aged(join(config.layout.logDir, name), LOG_MAX_AGE_MS + 60_000);
    expect((await runUpkeep(config, new Date())).removedLogs).toEqual([join(config.layout.logDir, 'agent.log.2')]);
  });

  it('self-checks the deployment root, the disk and the credentials', async () => {
    const missing = await runUpkeep(config, new Date());
    expect(missing.selfCheck.healthy).toBe(false);
    expect(missing.selfCheck.checks.find((check) => check.name === 'credentials')?.status).toBe('failed');

    await mkdir(join(temp, 'root/etc/baton'), { recursive: true });
    await writeFile(config.layout.credentialsFile, '{}', { mode: 0o644 });
    await chmod(config.layout.credentialsFile, 0o644);
    expect((await runUpkeep(config, new Date())).selfCheck.checks.find((check) => check.name === 'credentials')?.detail).toContain('chmod 600');

    await chmod(config.layout.credentialsFile, 0o600);
    const healthy = await runUpkeep(config, new Date());
    expect(healthy.selfCheck.checks.filter((check) => check.status === 'failed')).toEqual([]);
    expect(healthy.selfCheck.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(['deployment root writable', 'free disk space', 'credentials', 'setfacl']),
    );
  });
});

describe('nextRunAfter', () => {
  it('asks node-cron for the next time, and explains an invalid expression', async () => {
    const next = await nextRunAfter('17 3 * * *');
    expect(next.ok && next.value.getTime()).toBeGreaterThan(Date.now());
    expect(next.ok && [next.value.getMinutes(), next.value.getHours()]).toEqual([17, 3]);
    expect(await nextRunAfter('99 * * *')).toEqual({ ok: false, error: expect.stringContaining('expected 5 or 6 fields') });
  });
});

describe('UpkeepScheduler', () => {
  it('runs at each next time and re-arms after the round; an invalid schedule turns it off', async () => {
    const rounds: number[] = [];
    const scheduler = new UpkeepScheduler({
      schedule: 'soon',
      nextRun: async () => ({ ok: true, value: new Date(Date.now() + 20) }),
      onDue: async () => void rounds.push(Date.now()),
      logger: pino({ level: 'silent' }),
    });
    scheduler.start();
    await expect.poll(() => rounds.length).toBeGreaterThanOrEqual(3);
    scheduler.stop();
    const stoppedAt = rounds.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(rounds.length).toBe(stoppedAt);

    let asked = 0;
    const off = new UpkeepScheduler({
      schedule: 'bad',
      nextRun: async () => (asked++, { ok: false, error: 'invalid' }),
      onDue: async () => void rounds.push(0),
      logger: pino({ level: 'silent' }),
    });
    off.start();
    await expect.poll(() => asked).toBe(1);
    off.stop();
  });
});

describe('the agent', () => {
  let coordinator: FakeCoordinator;
  let agent: RunningAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    await coordinator.close();
  });

  it('runs upkeep on its schedule and reports the self-check to the coordinator', async () => {
    coordinator = await FakeCoordinator.start();
    const every = configWith({ coordinator: coordinator.url, enrollToken: ENROLL_TOKEN, upkeepSchedule: '* * * * * *' });
    agent = await startAgent(every, createAgentLogger({ file: every.layout.logFile, stderrLevel: 'silent' }));
    const report = await coordinator.waitFor((message) => message.type === 'self-check', 20_000);
    expect(report).toMatchObject({ type: 'self-check', healthy: true, problems: [] });
    await expect.poll(() => readAgentStatus(every.layout.statusFile)?.selfCheck?.healthy).toBe(true);
  });
});
