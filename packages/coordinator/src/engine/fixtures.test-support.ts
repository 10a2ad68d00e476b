/** Test fixtures for the engine: a fleet of candidate hosts and a start input around them. */
import { Strategy, isTerminalDeploymentStatus, type DeploymentConfig, type StrategyInput } from '@baton/shared';
import { startDeployment, step } from './step.js';
import type { Command, DeploymentState, HostCandidate, StartInput } from './types.js';

/** `count` hosts h01…, named web01…; `zones` spreads them round-robin over zone tags a, b, c… */
export function fleet(count: number, offline: readonly number[] = [], zones = 0): HostCandidate[] {
  return Array.from({ length: count }, (_, i) => ({
    hostId: `h${String(i + 1).padStart(2, '0')}`,
    name: `web${String(i + 1).padStart(2, '0')}`,
    tags: { role: 'web', ...(zones > 0 ? { zone: String.fromCharCode(97 + (i % zones)) } : {}) },
    online: !offline.includes(i + 1),
    revision: 'old' as const,
  }));
}

export interface StartOptions {
  readonly rollbackOnFailure?: boolean;
  readonly strategy?: StrategyInput;
  readonly withTrafficRouter?: boolean;
}

export function startInput(deploymentConfig: DeploymentConfig, candidates: HostCandidate[], options: StartOptions = {}): StartInput {
  return {
    context: {
      deploymentId: 'd-1',
      applicationName: 'shop',
      deploymentGroupName: 'web',
      deploymentGroupId: 'dg-1',
      creator: 'user',
      revision: { sha256: 'a'.repeat(64), size: 10, bundleType: 'tgz' },
      ignoreApplicationStopFailures: false,
    },
    deploymentConfig,
    candidates,
    strategy: Strategy.parse(options.strategy ?? { type: 'inPlace' }),
    withTrafficRouter: options.withTrafficRouter ?? false,
    eventTimeoutMs: 60_000,
    offlineEventTimeoutMs: 30_000,
    rollback: { onFailure: options.rollbackOnFailure ?? false, onAlarm: options.rollbackOnFailure ?? false, onStopRequest: false },
  };
}

export interface Drive {
  state: DeploymentState;
  now: number;
  /** Every command the engine gave, in order. */
  commands: Command[];
  /** Commands the fleet has answered. */
  answered?: ReadonlySet<string>;
}

/** Host ids in the order they were sent their first lifecycle event. */
export const startOrder = (run: Drive): string[] =>
  run.commands.flatMap((c) => (c.type === 'SEND_TO_HOST' && c.message.event === 'ApplicationStop' ? [c.hostId] : []));

/**
 * Plays a fleet that answers every host command (and every traffic change) in the order given, failing the
 * events `fails(hostId, event)` says, and lets time pass to each requested wake-up. Stops when the deployment
 * ends, waits for a person (Ready), or `until` holds.
 */
export function drive(
  run: Drive,
  fails: (hostId: string, event: string) => boolean = () => false,
  until: (state: DeploymentState) => boolean = () => false,
): Drive {
  const answered = new Set(run.answered);
  type Answerable = Extract<Command, { type: 'SEND_TO_HOST' | 'ROUTE_TRAFFIC' }>;
  const isAnswerable = (c: Command): c is Answerable => c.type === 'SEND_TO_HOST' || c.type === 'ROUTE_TRAFFIC';
  const idOf = (c: Answerable) => (c.type === 'SEND_TO_HOST' ? c.message.commandId : c.commandId);
  const queue = run.commands.filter(isAnswerable).filter((c) => !answered.has(idOf(c)));
  let { state, now } = run;
  const commands = [...run.commands];
  const accept = (cmds: readonly Command[]) => {
    commands.push(...cmds);
    queue.push(...cmds.filter(isAnswerable));
  };
  for (let i = 0; i < 10_000 && !isTerminalDeploymentStatus(state.status) && state.status !== 'Ready' && !until(state); i++) {
    const next = queue.shift();
    if (next) {
      const commandId = idOf(next);
      if (answered.has(commandId)) continue;
      answered.add(commandId);
      const hostId = next.hostId;
      const event = commandId.split('.')[2]!;
      now += 10;
      const failed = fails(hostId, event);
      const result = step(
        state,
        {
          type: 'EVENT_RESULT',
          commandId,
          status: failed ? 'Failed' : 'Succeeded',
          startTime: now - 5,
          endTime: now,
          diagnostics: failed ? { errorCode: 'ScriptFailed', message: 'exit code 1', logTail: '' } : { errorCode: 'Success', message: 'ok', logTail: '' },
        },
        now,
      );
      state = result.state;
      accept(result.commands);
    } else if (state.wakeupAt !== undefined) {
      now = Math.max(now, state.wakeupAt);
      const result = step(state, { type: 'WAKEUP' }, now);
      state = result.state;
      accept(result.commands);
    } else {
      break;
    }
  }
  return { state, now, commands, answered };
}

/** Starts a deployment and drives it as far as it goes on its own. */
export function startAndDrive(
  input: StartInput,
  fails?: (hostId: string, event: string) => boolean,
  until?: (state: DeploymentState) => boolean,
): Drive {
  const { state, commands } = startDeployment(input, 0);
  return drive({ state, now: 0, commands: [...commands] }, fails, until);
}
