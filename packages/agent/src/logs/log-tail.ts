/**
 * Reads the agent's logs incrementally: the JSON log with its rotated files, and every deployment's scripts.log.
 * `poll()` returns the complete lines written since the previous call, as records; the first call returns all.
 *
 * Files are tracked by inode, not by name: when agent.log is rotated, the rest of the old file is read under its
 * new name (agent.log.1) and the new agent.log from its start, so a follower misses nothing across a rotation.
 * A line still being written (no newline yet) waits for the next poll. New deployments are picked up as their
 * scripts.log appears. With a deployment filter, only that deployment's scripts.log is read.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AgentLayout } from '../layout.js';
import { parseAgentLine, parseScriptLine, type LogRecord, type ScriptLogState } from './log-record.js';

interface TrackedFile {
  offset: number;
  /** Only for scripts.log files. */
  script?: ScriptLogState;
}

/** Caps one read, so a huge file is taken in steps rather than in one buffer. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export class LogTail {
  private readonly files = new Map<string, TrackedFile>();

  constructor(
    private readonly layout: Pick<AgentLayout, 'logFile' | 'deploymentRoot'>,
    private readonly deploymentId?: string,
  ) {}

  async poll(): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    for (const path of await this.agentLogFiles()) records.push(...(await this.readNew(path, 'agent')));
    for (const path of await this.scriptLogFiles()) records.push(...(await this.readNew(path, 'script')));
    return records;
  }

  /** agent.log.N … agent.log.1, agent.log: oldest first, whatever the number kept. */
  private async agentLogFiles(): Promise<string[]> {
    const dir = dirname(this.layout.logFile);
    const name = basename(this.layout.logFile);
    const rotated = (await readdir(dir).catch(() => [] as string[]))
      .map((entry) => ({ entry, number: Number(entry.slice(name.length + 1)) }))
      .filter(({ entry, number }) => entry.startsWith(`${name}.`) && Number.isInteger(number) && number > 0)
      .sort((a, b) => b.number - a.number)
      .map(({ entry }) => join(dir, entry));
    return [...rotated, this.layout.logFile];
  }

  /** `<deployment-root>/<group-id>/<deployment-id>/logs/scripts.log`. */
  private async scriptLogFiles(): Promise<string[]> {
    const root = this.layout.deploymentRoot;
    const groups = (await readdir(root, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && entry.name !== 'deployment-instructions')
      .map((entry) => entry.name);
    const files: string[] = [];
    for (const group of groups) {
      const deployments = await readdir(join(root, group)).catch(() => [] as string[]);
      for (const deployment of deployments) {
        if (this.deploymentId === undefined || deployment === this.deploymentId) {
          files.push(join(root, group, deployment, 'logs', 'scripts.log'));
        }
      }
    }
    return files;
  }

  private async readNew(path: string, source: 'agent' | 'script'): Promise<LogRecord[]> {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return [];
    const key = `${info.dev}:${info.ino}`;
    let tracked = this.files.get(key);
    if (tracked === undefined) {
      tracked = source === 'script' ? { offset: 0, script: { deploymentId: basename(dirname(dirname(path))) } } : { offset: 0 };
      this.files.set(key, tracked);
    }
    // A file that shrank was truncated in place: start it over.
    if (info.size < tracked.offset) tracked.offset = 0;
    const records: LogRecord[] = [];
    while (info.size > tracked.offset) {
      const text = await readRange(path, tracked.offset, Math.min(info.size - tracked.offset, MAX_READ_BYTES));
      const complete = text.lastIndexOf('\n');
      if (complete === -1) break;
      tracked.offset += Buffer.byteLength(text.slice(0, complete + 1));
      for (const line of text.slice(0, complete).split('\n')) {
        const record = tracked.script === undefined ? parseAgentLine(line) : parseScriptLine(line, tracked.script);
        if (record !== undefined) records.push(record);
      }
    }
    return records;
  }
}

async function readRange(path: string, offset: number, length: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
