/**
 * The benchmark's handle on the load-generator process (sim-fleet.ts): starts it, waits until every simulated
 * host is connected, asks for its counters, stops it. Every wait is bounded.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetSpec, FleetStats, FleetToParent, ParentToFleet } from './fleet-messages.js';

const ENTRY = fileURLToPath(new URL('./sim-fleet.ts', import.meta.url));

export class FleetProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly enrollMs: number,
    readonly connectMs: number,
  ) {}

  static async start(spec: FleetSpec): Promise<FleetProcess> {
    const child = fork(ENTRY, [JSON.stringify(spec)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const ready = await nextMessage(child, 'ready', spec.timeoutMs * 2 + spec.hosts * 50);
      return new FleetProcess(child, ready.enrollMs, ready.connectMs);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the load generator has no pid');
    return this.child.pid;
  }

  async stats(timeoutMs = 10_000): Promise<FleetStats> {
    const answer = nextMessage(this.child, 'stats', timeoutMs);
    this.child.send({ type: 'stats' } satisfies ParentToFleet);
    const { answered, dropped, cpuMs } = await answer;
    return { answered, dropped, cpuMs };
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ParentToFleet);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** The next message of `type`; a `failed` message, an exit or the timeout reject. */
function nextMessage<K extends Exclude<FleetToParent['type'], 'failed'>>(
  child: ChildProcess,
  type: K,
  timeoutMs: number,
): Promise<Extract<FleetToParent, { type: K }>> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: FleetToParent): void => {
      if (message.type !== type && message.type !== 'failed') return;
      cleanup();
      if (message.type === 'failed') reject(new Error(`load generator failed: ${message.message}`));
      else resolve(message as Extract<FleetToParent, { type: K }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`load generator exited (${code}) while waiting for '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`load generator sent no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
