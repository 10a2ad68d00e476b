import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLayout, type AgentLayout } from '../layout.js';
import { createAgentLogger } from '../logging.js';
import { formatRecord } from './format-record.js';
import { matchesFilter, sortByTime } from './log-filter.js';
import { LogTail } from './log-tail.js';

let dir: string;
let layout: AgentLayout;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-logtail-'));
  layout = resolveLayout(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scriptsLog = (group: string, deployment: string) => join(layout.deploymentRoot, group, deployment, 'logs', 'scripts.log');

async function writeScriptsLog(group: string, deployment: string, lines: string[]): Promise<void> {
  await mkdir(join(layout.deploymentRoot, group, deployment, 'logs'), { recursive: true });
  await appendFile(scriptsLog(group, deployment), lines.map((line) => `${line}\n`).join(''));
}

describe('LogTail', () => {
  it('reads both sources, attributes hook output to its deployment and event, and filters', async () => {
    const logger = createAgentLogger({ file: layout.logFile, stderrLevel: 'silent' });
    logger.child({ deploymentId: 'd-1', event: 'BeforeInstall' }).info('event started');
    logger.info('connected to the coordinator');
    await writeScriptsLog('dg-1', 'd-1', [
      '2026-01-01T00:00:01.000Z LifecycleEvent - BeforeInstall',
      '2026-01-01T00:00:01.100Z Script - scripts/a.sh',
      '2026-01-01T00:00:01.200Z [stdout]hello',
      'a torn line',
      '2026-01-01T00:00:02.000Z LifecycleEvent - ValidateService',
      '2026-01-01T00:00:02.100Z [stderr]oops',
    ]);
    await writeScriptsLog('dg-1', 'd-2', ['2026-01-01T00:00:03.000Z LifecycleEvent - BeforeInstall']);

    const records = await new LogTail(layout).poll();
    expect(records).toHaveLength(8);
    const validate = records.filter((record) => matchesFilter(record, { deploymentId: 'd-1', event: 'ValidateService' }));
    expect(validate.map((record) => formatRecord(record, false))).toEqual([
      '2026-01-01T00:00:02.000Z d-1 ValidateService LifecycleEvent - ValidateService',
      '2026-01-01T00:00:02.100Z d-1 ValidateService [stderr] oops',
    ]);
    const agentLines = records.filter((record) => record.source === 'agent' && matchesFilter(record, { deploymentId: 'd-1' }));
    expect(agentLines).toEqual([expect.objectContaining({ message: 'event started', level: 'info', event: 'BeforeInstall' })]);
    expect(sortByTime(records).slice(0, 3).map((record) => record.message)).toEqual(['LifecycleEvent - BeforeInstall', 'Script - scripts/a.sh', 'hello']);
    expect(records.filter((record) => matchesFilter(record, { since: '2026-01-01T00:00:02.050Z' }))).toHaveLength(4);

    // With a deployment, other deployments' scripts.log are not even read.
    expect((await new LogTail(layout, 'd-2').poll()).filter((record) => record.source === 'script')).toHaveLength(1);
  });

  it('returns only new complete lines, keeps the event across polls and sees new deployments', async () => {
    const tail = new LogTail(layout);
    await writeScriptsLog('dg-1', 'd-1', ['2026-01-01T00:00:01.000Z LifecycleEvent - ApplicationStart']);
    expect(await tail.poll()).toHaveLength(1);
    await appendFile(scriptsLog('dg-1', 'd-1'), '2026-01-01T00:00:01.500Z [stdout]part');
    expect(await tail.poll()).toEqual([]);
    await appendFile(scriptsLog('dg-1', 'd-1'), 'ial\n');
    await writeScriptsLog('dg-1', 'd-3', ['2026-01-01T00:00:04.000Z LifecycleEvent - Install']);
    expect((await tail.poll()).map((record) => `${record.deploymentId} ${record.event} ${record.message}`)).toEqual([
      'd-1 ApplicationStart partial',
      'd-3 Install LifecycleEvent - Install',
    ]);
  });

  it('follows the agent log across rotations without losing or repeating a line', async () => {
    const logger = createAgentLogger({ file: layout.logFile, stderrLevel: 'silent', rotation: { maxBytes: 1500, keep: 50 } });
    const tail = new LogTail(layout);
    const seen: number[] = [];
    for (let at = 0; at < 300; at++) {
      logger.info({ at }, 'tick');
      if (at % 7 === 0) seen.push(...(await tail.poll()).map((record) => Number(record.fields?.at)));
    }
    seen.push(...(await tail.poll()).map((record) => Number(record.fields?.at)));
    expect(seen).toEqual(Array.from({ length: 300 }, (_, at) => at));
  });
});
