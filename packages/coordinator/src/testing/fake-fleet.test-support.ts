import type { CoordinatorMessage, EventResult, LifecycleErrorCode, RunEvent } from '@baton/shared';
import type { EngineRunner, HostMessenger } from '../runner/engine-runner.js';

export type Outcome = 'Succeeded' | 'Failed';

/** A run-event as a host received it. */
export interface Received {
  readonly hostId: string;
  readonly command: RunEvent;
}

/** What the gateway calls on the runner. */
type RunnerInbox = Pick<EngineRunner, 'onHostConnectivity' | 'onEventResult'>;

/**
 * Test support: an in-process fleet of agents standing where the WebSocket gateway stands. It implements the
 * runner's `HostMessenger` (a frame reaches a host only while it is connected, and is recorded) and calls the
 * runner as the gateway does when connections come and go. It answers run-events only when the test says so,
 * and like a real agent answers each command once.
 */
export class FakeFleet implements HostMessenger {
  /** Every run-event delivered, in order, redeliveries included. */
  readonly delivered: Received[] = [];
  private readonly connected: Set<string>;
  private readonly answered = new Set<string>();
  private runner: RunnerInbox | undefined;
  private clock: () => number = Date.now;

  /** `connected`: hosts whose agents are connected before the runner starts. */
  constructor(connected: readonly string[] = []) {
    this.connected = new Set(connected);
  }

  /** Points the fleet at a runner (or a new one, after a restart) and at that runner's clock. */
  attach(runner: RunnerInbox, clock: () => number = Date.now): void {
    this.runner = runner;
    this.clock = clock;
  }

  send(hostId: string, message: CoordinatorMessage): boolean {
    if (!this.connected.has(hostId)) return false;
    if (message.type === 'run-event') this.delivered.push({ hostId, command: message });
    return true;
  }

  isConnected(hostId: string): boolean {
    return this.connected.has(hostId);
  }

  /** The host's agent connects and says hello. */
  connect(hostId: string): void {
    this.connected.add(hostId);
    this.runner?.onHostConnectivity(hostId, true);
  }

  /** The host's connection drops. */
  disconnect(hostId: string): void {
    this.connected.delete(hostId);
    this.runner?.onHostConnectivity(hostId, false);
  }

  /** Every connection drops at once without the coordinator noticing: it was killed. */
  dropAllSilently(): void {
    this.connected.clear();
  }

  /** Commands received and not answered yet, oldest first, each once. */
  pending(hostId?: string): Received[] {
    const seen = new Set<string>();
    return this.delivered.filter(({ hostId: to, command }) => {
      if ((hostId !== undefined && to !== hostId) || this.answered.has(command.commandId) || seen.has(command.commandId)) return false;
      seen.add(command.commandId);
      return true;
    });
  }

  /** How many times a command was delivered. */
  deliveries(commandId: string): number {
    return this.delivered.filter(({ command }) => command.commandId === commandId).length;
  }

  /** Answers the oldest pending command (of `hostId`, if given); returns it, and whether the coordinator took the result. */
  answerNext(outcome: Outcome, hostId?: string): Received & { accepted: boolean } {
    const next = this.pending(hostId)[0];
    if (!next) throw new Error(`no pending command${hostId ? ` for ${hostId}` : ''}`);
    return { ...next, accepted: this.answer(next, outcome) };
  }

  /** Answers a command as `from` (normally its own host); returns whether the coordinator took the result. */
  answer({ hostId, command }: Received, outcome: Outcome, from: string = hostId): boolean {
    if (!this.runner) throw new Error('the fleet is not attached to a runner');
    this.answered.add(command.commandId);
    return this.runner.onEventResult(from, eventResult(command.commandId, outcome, this.clock()));
  }

  /**
   * Answers pending commands until none is left (each answer may bring new ones); `decide` returns the outcome
   * of a command, or undefined to leave it unanswered.
   */
  answerAll(decide: (received: Received) => Outcome | undefined = () => 'Succeeded'): void {
    for (;;) {
      const next = this.pending().find((received) => decide(received) !== undefined);
      if (!next) return;
      this.answer(next, decide(next)!);
    }
  }
}

export function eventResult(commandId: string, outcome: Outcome, at: number): EventResult {
  const errorCode: LifecycleErrorCode = outcome === 'Succeeded' ? 'Success' : 'ScriptFailed';
  return {
    type: 'event-result',
    commandId,
    status: outcome,
    startTime: new Date(at).toISOString(),
    endTime: new Date(at).toISOString(),
    diagnostics: { errorCode, message: outcome === 'Succeeded' ? '' : 'exit code 1', logTail: '' },
  };
}
