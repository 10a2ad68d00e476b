/**
 * One real agent process (`baton-agent run`), executed through its bin script as a service manager would,
 * so the interpreter flags of its shebang apply. It runs with `--expose-gc` so that `memoryReport()` reads
 * memory after a full collection: it asks for the agent's `memory` log line (SIGUSR2, see
 * packages/agent/src/memory-report.ts), reads it from the agent's JSON log, then reads VmRSS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startProcess, type RunningProcess } from '../../test/harness/processes.js';
import { REPO_ROOT } from './paths.js';
import { readRssBytes } from './proc-stats.js';

const BATON_AGENT = join(REPO_ROOT, 'packages/agent/bin/baton-agent.js');

export interface AgentMemory {
  /** VmRSS from /proc, in bytes. */
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
}

export class AgentProcess {
  private reports = 0;

  private constructor(
    readonly process: RunningProcess,
    private readonly logFile: string,
  ) {}

  static start(options: { url: string; enrollToken: string; root: string; filesRoot: string; tags: string }): AgentProcess {
    const args = ['run', '--coordinator', options.url, '--enroll-token', options.enrollToken, '--root', options.root, '--files-root', options.filesRoot, '--tags', options.tags];
    const child = startProcess('agent', BATON_AGENT, args, { NODE_OPTIONS: '--expose-gc' });
    return new AgentProcess(child, join(options.root, 'var/log/baton/agent.log'));
  }

  async memoryReport(timeoutMs = 5_000): Promise<AgentMemory> {
    const wanted = ++this.reports;
    this.process.child.kill('SIGUSR2');
    const memory = await eventually('the agent memory report', () => this.memoryLines()[wanted - 1], timeoutMs);
    return { rss: readRssBytes(this.process.pid), heapUsed: memory.heapUsed, heapTotal: memory.heapTotal };
  }

  async stop(graceMs = 5_000): Promise<void> {
    const force = setTimeout(() => this.process.child.kill('SIGKILL'), graceMs);
    await this.process.kill('SIGTERM');
    clearTimeout(force);
  }

  private memoryLines(): { heapUsed: number; heapTotal: number }[] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"memory"'))
      .map((line) => (JSON.parse(line) as { memory: { heapUsed: number; heapTotal: number } }).memory);
  }
}
