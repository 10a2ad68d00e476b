/**
 * The deployment engine: `startDeployment(input, now)` and `step(state, event, now)` are pure functions
 * returning the next state and the commands that the runner must carry out. See README.md for the
 * transition table and the invariants the property tests check.
 */
import {
  DeploymentErrorCode,
  DeploymentStatus,
  InstanceStatus,
  LifecycleErrorCode,
  LifecycleEventStatus,
  assertNever,
  computeMinimumHealthy,
  isStopPhaseHook,
  isTerminalDeploymentStatus,
} from '@baton/shared';
import { commandIdFor } from './command-id.js';
import { orderHosts } from './order.js';
import {
  countHealthy,
  countHosts,
  describeFailedHosts,
  hostsThatReceivedRevision,
  launchCapacity,
  meetsSuccessRule,
} from './outcome.js';
import type {
  Command,
  DeploymentState,
  EngineEvent,
  ErrorInformation,
  EventProgress,
  HostProgress,
  StartInput,
  StepResult,
} from './types.js';

export function startDeployment(input: StartInput, now: number): StepResult {
  const ordered = orderHosts(input.candidates);
  const deploymentId = input.context.deploymentId;
  const state: DeploymentState = {
    deploymentId,
    status: DeploymentStatus.InProgress,
    context: input.context,
    plan: {
      minimumHealthy: computeMinimumHealthy(input.deploymentConfig, ordered.length),
      deploymentConfigName: input.deploymentConfig.name,
      eventTimeoutMs: input.eventTimeoutMs,
      offlineEventTimeoutMs: input.offlineEventTimeoutMs,
      ignoreApplicationStopFailures: input.context.ignoreApplicationStopFailures,
      rollbackOnFailure: input.rollbackOnFailure,
    },
    hosts: ordered.map((candidate, position) => ({
      hostId: candidate.hostId,
      name: candidate.name,
      position,
      status: InstanceStatus.Pending,
      healthy: candidate.online,
      online: candidate.online,
      ...(candidate.online ? {} : { offlineSince: now }),
      events: input.events.map((name) => ({
        name,
        commandId: commandIdFor(deploymentId, candidate.hostId, name),
        status: LifecycleEventStatus.Pending,
      })),
    })),
    startedAt: now,
  };

  if (state.hosts.length === 0) {
    return finish(state, DeploymentStatus.Failed, now, {
      code: DeploymentErrorCode.NO_INSTANCES,
      message: 'No hosts match the deployment group: check its tag filters and that the agents are enrolled.',
    });
  }
  const healthy = countHealthy(state.hosts);
  const { minimumHealthy } = state.plan;
  if (minimumHealthy > 0 && healthy <= minimumHealthy) {
    return finish({ ...state, hosts: state.hosts.map(skipHost) }, DeploymentStatus.Failed, now, {
      code: DeploymentErrorCode.HEALTH_CONSTRAINTS_INVALID,
      message:
        `The configuration ${state.plan.deploymentConfigName} needs more than ${minimumHealthy} healthy hosts to deploy, ` +
        `but ${healthy} of ${state.hosts.length} are healthy (offline hosts count as unhealthy).`,
    });
  }
  return advance(state, [], now);
}

export function step(state: DeploymentState, event: EngineEvent, now: number): StepResult {
  switch (event.type) {
    case 'EVENT_RESULT':
      return onEventResult(state, event, now);
    case 'HOST_CONNECTIVITY':
      return onHostConnectivity(state, event.hostId, event.online, now);
    case 'WAKEUP':
      return onWakeup(state, now);
    case 'STOP':
      return onStop(state, event.rollback, event.message, now);
    default:
      return assertNever(event, 'engine event');
  }
}

function onEventResult(state: DeploymentState, result: Extract<EngineEvent, { type: 'EVENT_RESULT' }>, now: number): StepResult {
  const found = findEvent(state, result.commandId);
  // A duplicate or late result (the event already finished or timed out) changes nothing.
  if (!found || found.event.status !== LifecycleEventStatus.InProgress) return unchanged(state);
  const finished: EventProgress = {
    name: found.event.name,
    commandId: found.event.commandId,
    status: result.status,
    startTime: result.startTime,
    endTime: result.endTime,
    diagnostics: result.diagnostics,
  };
  const recorded = replaceEvent(state, found.hostIndex, found.eventIndex, finished);
  // After a stop the host's outcome is settled; the late result is still recorded for the timeline.
  if (isTerminalDeploymentStatus(state.status)) return unchanged(recorded);
  return continueHost(recorded, found.hostIndex, found.eventIndex, now);
}

/** Moves a host past its just-finished event: the next event, success, or failure. */
function continueHost(state: DeploymentState, hostIndex: number, eventIndex: number, now: number): StepResult {
  const commands: Command[] = [];
  const host = state.hosts[hostIndex]!;
  const event = host.events[eventIndex]!;
  const ignorable = state.plan.ignoreApplicationStopFailures && isStopPhaseHook(event.name);

  let next: DeploymentState;
  if (event.status === LifecycleEventStatus.Succeeded || ignorable) {
    if (event.status !== LifecycleEventStatus.Succeeded) {
      commands.push(record('warn', `${event.name} failed on ${host.name}; ignored (ignoreApplicationStopFailures)`, host, event));
    }
    const nextIndex = eventIndex + 1;
    if (nextIndex < host.events.length) {
      next = dispatchEvent(state, hostIndex, nextIndex, now, commands);
    } else {
      next = replaceHost(state, hostIndex, { ...host, status: InstanceStatus.Succeeded });
      commands.push(record('info', `${host.name} succeeded`, host));
    }
  } else {
    next = replaceHost(state, hostIndex, {
      ...host,
      status: InstanceStatus.Failed,
      healthy: false,
      events: host.events.map((e, i) => (i > eventIndex ? { ...e, status: LifecycleEventStatus.Skipped } : e)),
    });
    commands.push(record('warn', `${host.name} failed at ${event.name}: ${event.diagnostics?.message ?? ''}`, host, event));
  }
  return advance(next, commands, now);
}

function onHostConnectivity(state: DeploymentState, hostId: string, online: boolean, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  const hostIndex = state.hosts.findIndex((host) => host.hostId === hostId);
  const host = state.hosts[hostIndex];
  if (!host || host.online === online) return unchanged(state);
  const { offlineSince: _cleared, ...rest } = host;
  const updated: HostProgress = online ? { ...rest, online } : { ...rest, online, offlineSince: now };
  const commands: Command[] = [record(online ? 'info' : 'warn', `${host.name} is ${online ? 'back online' : 'offline'}`, host)];
  return advance(replaceHost(state, hostIndex, updated), commands, now);
}

/** Fails every in-flight event whose deadline has passed; an early or repeated wake-up finds none. */
function onWakeup(state: DeploymentState, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  let next = state;
  const commands: Command[] = [];
  for (let hostIndex = 0; hostIndex < next.hosts.length; hostIndex++) {
    const host = next.hosts[hostIndex]!;
    const eventIndex = host.events.findIndex((e) => e.status === LifecycleEventStatus.InProgress);
    const event = host.events[eventIndex];
    if (!event) continue;
    const reason = expiryReason(next, host, event, now);
    if (!reason) continue;
    next = replaceEvent(next, hostIndex, eventIndex, {
      ...event,
      status: LifecycleEventStatus.Failed,
      endTime: now,
      deadlineAt: undefined,
      diagnostics: { errorCode: LifecycleErrorCode.UnknownError, message: reason, logTail: '' },
    });
    const continued = continueHost(next, hostIndex, eventIndex, now);
    next = continued.state;
    commands.push(...continued.commands);
    if (isTerminalDeploymentStatus(next.status)) break;
  }
  return withWakeup(next, commands);
}

function expiryReason(state: DeploymentState, host: HostProgress, event: EventProgress, now: number): string | undefined {
  const offlineDeadline = offlineDeadlineOf(state, host);
  if (offlineDeadline !== undefined && now >= offlineDeadline) {
    return `The host went offline and did not come back within ${seconds(state.plan.offlineEventTimeoutMs)} s (AGENT_ISSUE).`;
  }
  if (event.deadlineAt !== undefined && now >= event.deadlineAt) {
    return `No result from the host within ${seconds(state.plan.eventTimeoutMs)} s.`;
  }
  return undefined;
}

function onStop(state: DeploymentState, rollback: boolean, message: string | undefined, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  const hosts = state.hosts.map((host): HostProgress => {
    if (host.status === InstanceStatus.Pending) return skipHost(host);
    if (host.status !== InstanceStatus.InProgress) return host;
    // Stopped hosts count as failed. The running event keeps going on the host; its result is recorded later.
    return {
      ...host,
      status: InstanceStatus.Failed,
      healthy: false,
      events: host.events.map((e) => (e.status === LifecycleEventStatus.Pending ? { ...e, status: LifecycleEventStatus.Skipped } : e)),
    };
  });
  return finish(
    { ...state, hosts },
    DeploymentStatus.Stopped,
    now,
    { code: DeploymentErrorCode.MANUAL_STOP, message: message ?? 'The deployment was stopped by a user.' },
    rollback,
  );
}

/**
 * Starts as many pending hosts as the minimum-healthy rule allows, then decides whether the deployment is
 * over: nothing in flight and nothing pending, or nothing in flight and no capacity left for the pending hosts.
 */
function advance(state: DeploymentState, commands: Command[], now: number): StepResult {
  if (state.status !== DeploymentStatus.InProgress) return { state, commands };
  let next = state;
  for (let hostIndex = 0; hostIndex < next.hosts.length && launchCapacity(next) > 0; hostIndex++) {
    const host = next.hosts[hostIndex]!;
    if (host.status !== InstanceStatus.Pending) continue;
    next = replaceHost(next, hostIndex, { ...host, status: InstanceStatus.InProgress });
    next = dispatchEvent(next, hostIndex, 0, now, commands);
  }

  if (countHosts(next.hosts, InstanceStatus.InProgress) > 0) return withWakeup(next, commands);

  if (countHosts(next.hosts, InstanceStatus.Pending) > 0) {
    const failedSummary = describeFailedHosts(next.hosts);
    return finish(
      { ...next, hosts: next.hosts.map((h) => (h.status === InstanceStatus.Pending ? skipHost(h) : h)) },
      DeploymentStatus.Failed,
      now,
      {
        code: DeploymentErrorCode.HEALTH_CONSTRAINTS,
        message:
          `Deploying stopped: ${countHosts(next.hosts, InstanceStatus.Failed)} host(s) failed and the configuration ` +
          `${next.plan.deploymentConfigName} needs ${next.plan.minimumHealthy} healthy; the remaining hosts were skipped. ${failedSummary}`,
      },
      true,
      commands,
    );
  }

  if (meetsSuccessRule(next)) return finish(next, DeploymentStatus.Succeeded, now, undefined, false, commands);
  return finish(
    next,
    DeploymentStatus.Failed,
    now,
    {
      code: DeploymentErrorCode.HEALTH_CONSTRAINTS,
      message:
        `${countHosts(next.hosts, InstanceStatus.Succeeded)} of ${next.hosts.length} hosts succeeded; the configuration ` +
        `${next.plan.deploymentConfigName} needs at least ${Math.max(next.plan.minimumHealthy, 1)}. ${describeFailedHosts(next.hosts)}`,
    },
    true,
    commands,
  );
}

function dispatchEvent(state: DeploymentState, hostIndex: number, eventIndex: number, now: number, commands: Command[]): DeploymentState {
  const host = state.hosts[hostIndex]!;
  const event = host.events[eventIndex]!;
  commands.push({
    type: 'SEND_TO_HOST',
    hostId: host.hostId,
    message: { type: 'run-event', commandId: event.commandId, event: event.name, deployment: state.context },
  });
  return replaceEvent(state, hostIndex, eventIndex, {
    ...event,
    status: LifecycleEventStatus.InProgress,
    startTime: now,
    deadlineAt: now + state.plan.eventTimeoutMs,
  });
}

/**
 * Ends the deployment. `rollbackWanted` asks for a rollback: on failure it happens when the plan says so,
 * on a stop when the user asked; a rollback deployment never rolls itself back.
 */
function finish(
  state: DeploymentState,
  status: DeploymentStatus,
  now: number,
  errorInformation: ErrorInformation | undefined,
  rollbackWanted = true,
  commands: Command[] = [],
): StepResult {
  const { wakeupAt: _cancelled, ...rest } = state;
  const finished: DeploymentState = { ...rest, status, completedAt: now, ...(errorInformation ? { errorInformation } : {}) };
  commands.push(record(status === DeploymentStatus.Succeeded ? 'info' : 'warn', `Deployment ${status}${errorInformation ? `: ${errorInformation.message}` : ''}`));
  const wantsRollback =
    state.context.creator !== 'rollback' &&
    ((status === DeploymentStatus.Failed && state.plan.rollbackOnFailure && rollbackWanted) ||
      (status === DeploymentStatus.Stopped && rollbackWanted));
  const targets = hostsThatReceivedRevision(finished);
  if (wantsRollback && targets.length > 0) {
    commands.push({ type: 'START_ROLLBACK', hostIds: targets, reason: errorInformation?.message ?? status });
  }
  return { state: finished, commands };
}

/** Asks for a wake-up at the earliest pending deadline, when it differs from the one already asked for. */
function withWakeup(state: DeploymentState, commands: Command[]): StepResult {
  let earliest: number | undefined;
  for (const host of state.hosts) {
    if (host.status !== InstanceStatus.InProgress) continue;
    const event = host.events.find((e) => e.status === LifecycleEventStatus.InProgress);
    for (const at of [event?.deadlineAt, offlineDeadlineOf(state, host)]) {
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
  }
  if (earliest === state.wakeupAt) return { state, commands };
  const { wakeupAt: _old, ...rest } = state;
  if (earliest === undefined) return { state: rest, commands };
  return { state: { ...rest, wakeupAt: earliest }, commands: [...commands, { type: 'SCHEDULE_WAKEUP', at: earliest }] };
}

const offlineDeadlineOf = (state: DeploymentState, host: HostProgress): number | undefined =>
  !host.online && host.offlineSince !== undefined ? host.offlineSince + state.plan.offlineEventTimeoutMs : undefined;

function findEvent(state: DeploymentState, commandId: string) {
  for (let hostIndex = 0; hostIndex < state.hosts.length; hostIndex++) {
    const host = state.hosts[hostIndex]!;
    if (!commandId.startsWith(`${state.deploymentId}.${host.hostId}.`)) continue;
    const eventIndex = host.events.findIndex((e) => e.commandId === commandId);
    if (eventIndex >= 0) return { hostIndex, eventIndex, event: host.events[eventIndex]! };
  }
  return undefined;
}

const skipHost = (host: HostProgress): HostProgress => ({
  ...host,
  status: InstanceStatus.Skipped,
  events: host.events.map((e) => ({ ...e, status: LifecycleEventStatus.Skipped })),
});

function replaceHost(state: DeploymentState, hostIndex: number, host: HostProgress): DeploymentState {
  const hosts = state.hosts.slice();
  hosts[hostIndex] = host;
  return { ...state, hosts };
}

function replaceEvent(state: DeploymentState, hostIndex: number, eventIndex: number, event: EventProgress): DeploymentState {
  const host = state.hosts[hostIndex]!;
  const events = host.events.slice();
  events[eventIndex] = event;
  return replaceHost(state, hostIndex, { ...host, events });
}

const record = (level: 'info' | 'warn', message: string, host?: HostProgress, event?: EventProgress): Command => ({
  type: 'RECORD_EVENT',
  level,
  message,
  ...(host ? { hostId: host.hostId } : {}),
  ...(event ? { event: event.name } : {}),
});

const unchanged = (state: DeploymentState): StepResult => ({ state, commands: [] });
const seconds = (ms: number): number => Math.round(ms / 1000);
