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
  inPlaceEvents,
  isCoordinatorEvent,
  isStopPhaseHook,
  isTerminalDeploymentStatus,
} from '@baton/shared';
import { planBatches } from './batches.js';
import { commandIdFor } from './command-id.js';
import { batchPositions, hostPosition } from './host-index.js';
import { orderHosts } from './order.js';
import {
  batchFailures,
  countHealthy,
  countHosts,
  describeFailedHosts,
  hostsThatReceivedRevision,
  launchCapacity,
  meetsSuccessRule,
  tallyHosts,
} from './outcome.js';
import type {
  BatchPlan,
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
  const planned = planBatches(input, ordered);
  const eventsOf = planned.ok ? planned.eventsOf : () => inPlaceEvents(input.withTrafficRouter);
  const state: DeploymentState = {
    deploymentId,
    status: DeploymentStatus.InProgress,
    context: input.context,
    plan: {
      strategy: input.strategy.type,
      batches: planned.ok ? planned.batches : [],
      ...(planned.ok && planned.totalFailureBudget !== undefined ? { totalFailureBudget: planned.totalFailureBudget } : {}),
      minimumHealthy: computeMinimumHealthy(input.deploymentConfig, ordered.length),
      ...(planned.ok && planned.environments ? { environments: planned.environments } : {}),
      deploymentConfigName: input.deploymentConfig.name,
      eventTimeoutMs: input.eventTimeoutMs,
      offlineEventTimeoutMs: input.offlineEventTimeoutMs,
      ignoreApplicationStopFailures: input.context.ignoreApplicationStopFailures,
      rollback: input.rollback,
    },
    hosts: ordered.map((candidate, position) => ({
      hostId: candidate.hostId,
      name: candidate.name,
      position,
      status: InstanceStatus.Pending,
      healthy: candidate.online,
      online: candidate.online,
      ...(candidate.online ? {} : { offlineSince: now }),
      events: eventsOf(candidate.hostId).map((name) => ({
        name,
        commandId: commandIdFor(deploymentId, candidate.hostId, name),
        status: LifecycleEventStatus.Pending,
      })),
    })),
    batchIndex: 0,
    startedAt: now,
  };

  if (state.hosts.length === 0) {
    return finish(state, DeploymentStatus.Failed, now, {
      code: DeploymentErrorCode.NO_INSTANCES,
      message: 'No hosts match the deployment group: check its tag filters and that the agents are enrolled.',
    });
  }
  if (!planned.ok) {
    return finish({ ...state, hosts: state.hosts.map(skipHost) }, DeploymentStatus.Failed, now, {
      code: DeploymentErrorCode.HEALTH_CONSTRAINTS_INVALID,
      message: `The ${input.strategy.type} strategy cannot be planned: ${planned.reason}.`,
    });
  }
  const starved = state.plan.batches.find((batch) => {
    const healthy = countHealthy(state.hosts.filter((host) => batch.hostIds.includes(host.hostId)));
    return batch.concurrency === 'minimumHealthy' && (batch.minimumHealthy ?? 0) > 0 && healthy <= (batch.minimumHealthy ?? 0);
  });
  if (starved) {
    const healthy = countHealthy(state.hosts.filter((host) => starved.hostIds.includes(host.hostId)));
    return finish({ ...state, hosts: state.hosts.map(skipHost) }, DeploymentStatus.Failed, now, {
      code: DeploymentErrorCode.HEALTH_CONSTRAINTS_INVALID,
      message:
        `The configuration ${state.plan.deploymentConfigName} needs more than ${starved.minimumHealthy} healthy hosts to deploy, ` +
        `but ${healthy} of ${starved.hostIds.length} are healthy (offline hosts count as unhealthy).`,
    });
  }
  return enterBatch(state, [record('info', `Deploying in ${state.plan.batches.length} batch(es): ${state.plan.batches.map((b) => b.label).join('; ')}`)], now);
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
      return onStop(state, now, {
        code: DeploymentErrorCode.MANUAL_STOP,
        message: event.message ?? 'The deployment was stopped by a user.',
        rollback: event.rollback || state.plan.rollback.onStopRequest,
      });
    case 'APPROVE':
      return onApprove(state, event.approval, now);
    case 'ALARM':
      return onStop(state, now, {
        code: DeploymentErrorCode.ALARM_ACTIVE,
        message: `Alarm ${event.name} fired: ${event.message}`,
        rollback: state.plan.rollback.onAlarm,
      });
    case 'HOST_UNHEALTHY':
      return onHostUnhealthy(state, event.hostId, event.message, now);
    case 'TRAFFIC_FAILED':
      return onStop(state, now, {
        code: DeploymentErrorCode.INTERNAL_ERROR,
        message: `The traffic router refused a change: ${event.message}`,
        rollback: state.plan.rollback.onFailure,
        status: DeploymentStatus.Failed,
      });
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
  // After a stop, or once a failed health check settled the host's outcome, the late result is only recorded.
  if (isTerminalDeploymentStatus(state.status) || state.hosts[found.hostIndex]!.status !== InstanceStatus.InProgress) return unchanged(recorded);
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
    const batch = state.plan.batches[state.batchIndex];
    if (nextIndex < host.events.length && batch?.untilEvent === host.events[nextIndex]!.name && batch.hostIds.includes(host.hostId)) {
      // The host waits here for a later batch (blue/green: installed and validated, not yet taking traffic).
      next = replaceHost(state, hostIndex, { ...host, status: InstanceStatus.Ready });
      commands.push(record('info', `${host.name} is ready`, host));
    } else if (nextIndex < host.events.length) {
      next = dispatchEvent(state, hostIndex, nextIndex, now, commands);
    } else {
      next = replaceHost(state, hostIndex, { ...host, status: InstanceStatus.Succeeded });
      commands.push(record('info', `${host.name} succeeded`, host));
    }
  } else {
    next = failHost(state, hostIndex, eventIndex);
    commands.push(record('warn', `${host.name} failed at ${event.name}: ${event.diagnostics?.message ?? ''}`, host, event));
  }
  return advance(next, commands, now);
}

function failHost(state: DeploymentState, hostIndex: number, afterEventIndex: number): DeploymentState {
  const host = state.hosts[hostIndex]!;
  return replaceHost(state, hostIndex, {
    ...host,
    status: InstanceStatus.Failed,
    healthy: false,
    events: host.events.map((e, i) => (i > afterEventIndex && e.status === LifecycleEventStatus.Pending ? { ...e, status: LifecycleEventStatus.Skipped } : e)),
  });
}

function onHostConnectivity(state: DeploymentState, hostId: string, online: boolean, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  const hostIndex = state.hosts.findIndex((host) => host.hostId === hostId);
  const host = state.hosts[hostIndex];
  if (!host || host.online === online) return unchanged(state);
  const { offlineSince: _cleared, ...rest } = host;
  const updated: HostProgress = online ? { ...rest, online } : { ...rest, online, offlineSince: now };
  const commands: Command[] = [record(online ? 'info' : 'warn', `${host.name} is ${online ? 'back online' : 'offline'}`, host)];
  // An offline host brings an earlier deadline: the wake-up is worked out afresh.
  const { wakeupAt: _recomputed, ...withoutWakeup } = replaceHost(state, hostIndex, updated);
  return advance(withoutWakeup, commands, now);
}

/** A failed health check turns a host of the deployment unhealthy: it counts as failed from now on. */
function onHostUnhealthy(state: DeploymentState, hostId: string, message: string, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  const hostIndex = state.hosts.findIndex((host) => host.hostId === hostId);
  const host = state.hosts[hostIndex];
  // Only a host this deployment has reached can be judged by its health checks.
  const reached = host && (host.status === InstanceStatus.InProgress || host.status === InstanceStatus.Succeeded || host.status === InstanceStatus.Ready);
  if (!host || !reached) return unchanged(state);
  const lastDone = host.events.reduce((last, e, i) => (e.status === LifecycleEventStatus.Pending ? last : i), -1);
  return advance(failHost(state, hostIndex, lastDone), [record('warn', `${host.name} is unhealthy: ${message}`, host)], now);
}

/** Fails every in-flight event whose deadline has passed and ends a bake whose time is up. */
function onWakeup(state: DeploymentState, now: number): StepResult {
  if (isTerminalDeploymentStatus(state.status)) return unchanged(state);
  // The wake-up asked for has come: what comes next is worked out afresh.
  const { wakeupAt: _fired, ...rest } = state;
  let next: DeploymentState = rest;
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
    if (isTerminalDeploymentStatus(next.status)) return { state: next, commands };
  }
  return advance(next, commands, now);
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

function onApprove(state: DeploymentState, approval: 'promote' | 'continue', now: number): StepResult {
  if (state.status !== DeploymentStatus.Ready || state.plan.batches[state.batchIndex]?.approval !== approval) return unchanged(state);
  return nextBatch(state, [record('info', `${approval === 'promote' ? 'Promoted' : 'Continued'} by a user`)], now);
}

interface Ending {
  readonly code: DeploymentErrorCode;
  readonly message: string;
  readonly rollback: boolean;
  readonly status?: typeof DeploymentStatus.Stopped | typeof DeploymentStatus.Failed;
}

/** Ends the deployment now: hosts not started are skipped; a host mid-event finishes that event on its own. */
function onStop(state: DeploymentState, now: number, ending: Ending): StepResult {
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
  const { bakeUntil: _ended, ...rest } = state;
  return finish(
    { ...rest, hosts },
    ending.status ?? DeploymentStatus.Stopped,
    now,
    { code: ending.code, message: ending.message },
    ending.rollback,
    restoreTrafficIfSplit(state),
  );
}

/**
 * Drives the current batch: starts as many of its pending hosts as its concurrency allows, then decides
 * whether the batch is over (bake, approval or next batch) or the deployment has failed.
 */
function advance(state: DeploymentState, commands: Command[], now: number): StepResult {
  if (state.status === DeploymentStatus.Baking) {
    const baking = state.plan.batches[state.batchIndex]!;
    // A host of the batch failing its health check while baking breaks the batch like a failed event.
    if (baking.failureBudget !== undefined && overBudget(state, baking)) {
      return failRemaining(state, commands, now, `${baking.label} failed while baking: ${describeFailedHosts(state.hosts)}`);
    }
    if (state.bakeUntil !== undefined && now < state.bakeUntil) return withWakeup(state, commands);
    return endBatch(state, commands, now);
  }
  if (state.status !== DeploymentStatus.InProgress) return { state, commands };

  const batch = state.plan.batches[state.batchIndex]!;
  const positions = batchPositions(state, state.batchIndex);
  let next = state;
  // Computed on the first host that could start: most steps have none, and these count the whole batch.
  let capacity: number | undefined;
  for (const hostIndex of positions) {
    const host = next.hosts[hostIndex]!;
    if (host.status !== InstanceStatus.Pending && host.status !== InstanceStatus.Ready) continue;
    if (capacity === undefined) {
      const budgetSpent = batch.failureBudget !== undefined && overBudget(state, batch);
      capacity = budgetSpent ? 0 : batch.concurrency === 'minimumHealthy' ? launchCapacity(state, batch) : Infinity;
    }
    if (capacity <= 0) break;
    const nextEvent = host.events.findIndex((e) => e.status === LifecycleEventStatus.Pending);
    // A Ready host waits for a later batch; the batch that stopped it before `untilEvent` does not restart it.
    if (host.status === InstanceStatus.Ready && host.events[nextEvent]?.name === batch.untilEvent) continue;
    next = replaceHost(next, hostIndex, { ...host, status: InstanceStatus.InProgress });
    next = dispatchEvent(next, hostIndex, nextEvent, now, commands);
    capacity--;
  }

  const tally = tallyHosts(next, positions);
  if (tally.InProgress > 0) return withWakeup(next, commands, now);

  const failedSummary = () => describeFailedHosts(next.hosts);
  if (batch.failureBudget !== undefined && overBudget(next, batch)) {
    return failRemaining(next, commands, now, `${batch.label} failed: ${batchFailures(next, batch)} host(s) failed, ${describeBudget(next, batch)}. ${failedSummary()}`);
  }
  const served = tally.Succeeded + tally.Ready;
  if (batch.concurrency === 'minimumHealthy' && tally.Pending === 0 && served < Math.max(batch.minimumHealthy ?? 0, 1)) {
    return failRemaining(next, commands, now, `${batch.label}: ${served} of ${positions.length} hosts succeeded; ${Math.max(batch.minimumHealthy ?? 0, 1)} are needed. ${failedSummary()}`);
  }
  if (tally.Pending > 0) {
    // Only the minimum-healthy rule leaves hosts pending with nothing in flight: no capacity is left.
    return failRemaining(
      next,
      commands,
      now,
      `Deploying stopped: ${countHosts(next.hosts, InstanceStatus.Failed)} host(s) failed${describeOfflinePending(next.hosts)} and the configuration ` +
        `${next.plan.deploymentConfigName} needs ${next.plan.minimumHealthy} healthy; the remaining hosts were skipped. ${failedSummary()}`,
    );
  }
  if (batch.bakeMs > 0) {
    const split = canaryTrafficCommand(next, batch);
    return withWakeup(
      { ...next, status: DeploymentStatus.Baking, bakeUntil: now + batch.bakeMs },
      [...commands, ...split, record('info', `${batch.label} done; baking for ${seconds(batch.bakeMs)} s`)],
    );
  }
  return endBatch(next, [...commands, ...canaryTrafficCommand(next, batch)], now);
}

/** After a batch (and its bake): wait for approval, go on with the next batch, or end the deployment. */
function endBatch(state: DeploymentState, commands: Command[], now: number): StepResult {
  const { bakeUntil: _done, ...rest } = state;
  const batch = state.plan.batches[state.batchIndex]!;
  const last = state.batchIndex >= state.plan.batches.length - 1;
  if (!last && batch.approval) {
    return withWakeup({ ...rest, status: DeploymentStatus.Ready }, [...commands, record('info', `${batch.label}: waiting for ${batch.approval}`)]);
  }
  if (!last) return nextBatch({ ...rest, status: DeploymentStatus.InProgress }, commands, now);
  return finishByOutcome({ ...rest, status: DeploymentStatus.InProgress }, commands, now);
}

function nextBatch(state: DeploymentState, commands: Command[], now: number): StepResult {
  const previous = state.plan.batches[state.batchIndex]!;
  const moved: DeploymentState = { ...state, status: DeploymentStatus.InProgress, batchIndex: state.batchIndex + 1 };
  // Leaving a canary batch returns traffic to normal weights before the rest deploys.
  const restore = previous.canaryTraffic ? [restoreTraffic()] : [];
  return enterBatch(moved, [...commands, ...restore], now);
}

/** Starts the current batch: first its traffic shift (blue/green), then its hosts. */
function enterBatch(state: DeploymentState, commands: Command[], now: number): StepResult {
  const shift = state.plan.batches[state.batchIndex]?.trafficShift;
  if (!shift) return advance(state, commands, now);
  // Only hosts still fit for service take traffic: a replacement host that failed its install gets none.
  const receivers = state.hosts.filter((h) => shift.toHostIds.includes(h.hostId) && h.status !== InstanceStatus.Failed && h.status !== InstanceStatus.Skipped);
  const others = state.hosts.filter((h) => !shift.toHostIds.includes(h.hostId));
  const shares = [
    ...receivers.map((h) => ({ hostId: h.hostId, percent: shift.percent / Math.max(receivers.length, 1) })),
    ...(shift.percent < 100 ? others.map((h) => ({ hostId: h.hostId, percent: (100 - shift.percent) / Math.max(others.length, 1) })) : []),
  ];
  return advance(state, [...commands, { type: 'SET_TRAFFIC_SPLIT', shares, matchedHostIds: [] }, record('info', state.plan.batches[state.batchIndex]!.label)], now);
}

function finishByOutcome(state: DeploymentState, commands: Command[], now: number): StepResult {
  const budget = state.plan.totalFailureBudget;
  const failed = countHosts(state.hosts, InstanceStatus.Failed);
  const succeeded = countHosts(state.hosts, InstanceStatus.Succeeded);
  const ok = budget !== undefined ? failed <= budget && succeeded > 0 : meetsSuccessRule(state);
  if (ok) return finish(state, DeploymentStatus.Succeeded, now, undefined, false, commands);
  const needed = budget !== undefined ? `at most ${budget} may fail` : `the configuration ${state.plan.deploymentConfigName} needs at least ${Math.max(state.plan.minimumHealthy, 1)}`;
  return finish(
    state,
    DeploymentStatus.Failed,
    now,
    {
      code: DeploymentErrorCode.HEALTH_CONSTRAINTS,
      message: `${succeeded} of ${state.hosts.length} hosts succeeded; ${needed}. ${describeFailedHosts(state.hosts)}`,
    },
    state.plan.rollback.onFailure,
    commands,
  );
}

/** Skips every host not yet started and fails the deployment under HEALTH_CONSTRAINTS. */
function failRemaining(state: DeploymentState, commands: Command[], now: number, message: string): StepResult {
  return finish(
    { ...state, hosts: state.hosts.map((h) => (h.status === InstanceStatus.Pending ? skipHost(h) : h)) },
    DeploymentStatus.Failed,
    now,
    { code: DeploymentErrorCode.HEALTH_CONSTRAINTS, message },
    state.plan.rollback.onFailure,
    [...commands, ...restoreTrafficIfSplit(state)],
  );
}

function overBudget(state: DeploymentState, batch: BatchPlan): boolean {
  const total = state.plan.totalFailureBudget;
  return batchFailures(state, batch) > (batch.failureBudget ?? Infinity) || (total !== undefined && countHosts(state.hosts, InstanceStatus.Failed) > total);
}

const describeBudget = (state: DeploymentState, batch: BatchPlan): string =>
  `the batch tolerates ${batch.failureBudget ?? 0}` + (state.plan.totalFailureBudget !== undefined ? ` and the deployment ${state.plan.totalFailureBudget}` : '');

function dispatchEvent(state: DeploymentState, hostIndex: number, eventIndex: number, now: number, commands: Command[]): DeploymentState {
  const host = state.hosts[hostIndex]!;
  const event = host.events[eventIndex]!;
  if (isCoordinatorEvent(event.name)) {
    commands.push({ type: 'ROUTE_TRAFFIC', commandId: event.commandId, hostId: host.hostId, action: event.name === 'BlockTraffic' ? 'block' : 'allow' });
  } else {
    commands.push({
      type: 'SEND_TO_HOST',
      hostId: host.hostId,
      message: { type: 'run-event', commandId: event.commandId, event: event.name, deployment: state.context },
    });
  }
  return replaceEvent(state, hostIndex, eventIndex, {
    ...event,
    status: LifecycleEventStatus.InProgress,
    startTime: now,
    deadlineAt: now + state.plan.eventTimeoutMs,
  });
}

/** The canary batch's traffic split, once its hosts are in service: their share, and the matched requests. */
function canaryTrafficCommand(state: DeploymentState, batch: BatchPlan): Command[] {
  if (!batch.canaryTraffic) return [];
  const canaries = state.hosts.filter((h) => batch.hostIds.includes(h.hostId) && h.status === InstanceStatus.Succeeded);
  const others = state.hosts.filter((h) => !batch.hostIds.includes(h.hostId) && h.status !== InstanceStatus.Failed);
  const weight = batch.canaryTraffic.weightPercent;
  const shares =
    weight === undefined || canaries.length === 0
      ? null
      : [
          ...canaries.map((h) => ({ hostId: h.hostId, percent: weight / canaries.length })),
          ...others.map((h) => ({ hostId: h.hostId, percent: (100 - weight) / Math.max(others.length, 1) })),
        ];
  return [{ type: 'SET_TRAFFIC_SPLIT', shares, matchedHostIds: batch.canaryTraffic.match ? canaries.map((h) => h.hostId) : [] }];
}

const restoreTraffic = (): Command => ({ type: 'SET_TRAFFIC_SPLIT', shares: null, matchedHostIds: [] });

function restoreTrafficIfSplit(state: DeploymentState): Command[] {
  const batch = state.plan.batches[state.batchIndex];
  const splitActive = batch?.canaryTraffic && (state.status === DeploymentStatus.Baking || state.status === DeploymentStatus.Ready);
  return splitActive ? [restoreTraffic()] : [];
}

/**
 * Ends the deployment. `rollbackWanted` says whether this ending asks for a rollback under the group's
 * policy; a rollback deployment never rolls itself back.
 */
function finish(
  state: DeploymentState,
  status: DeploymentStatus,
  now: number,
  errorInformation: ErrorInformation | undefined,
  rollbackWanted = false,
  commands: Command[] = [],
): StepResult {
  const { wakeupAt: _cancelled, bakeUntil: _baked, ...rest } = state;
  const finished: DeploymentState = { ...rest, status, completedAt: now, ...(errorInformation ? { errorInformation } : {}) };
  commands.push(record(status === DeploymentStatus.Succeeded ? 'info' : 'warn', `Deployment ${status}${errorInformation ? `: ${errorInformation.message}` : ''}`));
  const targets = hostsThatReceivedRevision(finished);
  const kind = state.plan.strategy === 'blueGreen' ? (trafficMoved(state) ? 'reroute' : undefined) : 'redeploy';
  // A blue/green deployment whose traffic never moved needs no rollback: the original environment still serves.
  if (rollbackWanted && kind && state.context.creator !== 'rollback' && targets.length > 0) {
    commands.push({ type: 'START_ROLLBACK', hostIds: kind === 'reroute' ? state.hosts.map((h) => h.hostId) : targets, reason: errorInformation?.message ?? status, kind });
  }
  return { state: finished, commands };
}

/**
 * Asks for a wake-up no later than the earliest pending deadline. An early wake-up is harmless (the engine
 * finds nothing due and asks again), so a wake-up already asked for stands as long as every deadline this step
 * could have added comes after it — which spares a scan of every host on every event.
 */
function withWakeup(state: DeploymentState, commands: Command[], now?: number): StepResult {
  // Steps that pass `now` add at most event deadlines (dispatches); connectivity changes recompute in full.
  const soonestNewDeadline = now === undefined ? undefined : now + state.plan.eventTimeoutMs;
  const bakeFirst = state.status === DeploymentStatus.Baking && state.bakeUntil !== undefined && state.bakeUntil < (state.wakeupAt ?? Infinity);
  if (state.wakeupAt !== undefined && soonestNewDeadline !== undefined && state.wakeupAt <= soonestNewDeadline && !bakeFirst) {
    return { state, commands };
  }
  let earliest = state.status === DeploymentStatus.Baking ? state.bakeUntil : undefined;
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

/** Whether a blue/green deployment has started moving traffic to the new environment. */
const trafficMoved = (state: DeploymentState): boolean => state.plan.batches.slice(0, state.batchIndex + 1).some((batch) => batch.trafficShift);

/** Offline hosts never started count as unhealthy: naming them tells why a deployment with no failure stopped. */
function describeOfflinePending(hosts: readonly HostProgress[]): string {
  const offline = hosts.filter((host) => host.status === InstanceStatus.Pending && !host.online).map((host) => host.name);
  return offline.length === 0 ? '' : `, ${offline.length} offline (${offline.join(', ')})`;
}

const offlineDeadlineOf = (state: DeploymentState, host: HostProgress): number | undefined =>
  !host.online && host.offlineSince !== undefined ? host.offlineSince + state.plan.offlineEventTimeoutMs : undefined;

/** Command ids are `<deploymentId>.<hostId>.<event>` (ids contain no dots): the host is found without a scan. */
function findEvent(state: DeploymentState, commandId: string) {
  const [deploymentId, hostId] = commandId.split('.');
  if (deploymentId !== state.deploymentId || hostId === undefined) return undefined;
  const hostIndex = hostPosition(state, hostId);
  if (hostIndex === undefined) return undefined;
  const eventIndex = state.hosts[hostIndex]!.events.findIndex((e) => e.commandId === commandId);
  return eventIndex >= 0 ? { hostIndex, eventIndex, event: state.hosts[hostIndex]!.events[eventIndex]! } : undefined;
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
