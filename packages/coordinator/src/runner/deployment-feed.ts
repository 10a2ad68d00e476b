/**
 * What changed in deployments, as a stream of small facts for listeners that react to them: the events API,
 * the dashboard, webhooks and metrics. The runner publishes after every commit, so a listener never sees a
 * change that a crash could undo. Changes are derived by comparing two engine states; the engine knows nothing
 * of listeners.
 */
import {
  isTerminalDeploymentStatus,
  type DeploymentContext,
  type DeploymentStatus,
  type EventDiagnostics,
  type InstanceStatus,
  type LifecycleEventName,
  type LifecycleEventStatus,
} from '@baton/shared';
import type { DeploymentState, ErrorInformation, EventProgress, HostProgress } from '../engine/index.js';

interface ChangeOf {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly groupName: string;
  readonly groupId: string;
  /** ISO time the change was committed. */
  readonly at: string;
}

export interface DeploymentStatusChange extends ChangeOf {
  readonly type: 'deployment';
  readonly creator: DeploymentContext['creator'];
  readonly status: DeploymentStatus;
  /** Absent when the deployment was not known in an earlier state (it has just started or was just created). */
  readonly previousStatus?: DeploymentStatus;
  readonly errorInformation?: ErrorInformation;
}

export interface BatchChange extends ChangeOf {
  readonly type: 'batch';
  readonly batchIndex: number;
  readonly batchCount: number;
  readonly label: string;
}

export interface InstanceChange extends ChangeOf {
  readonly type: 'instance';
  readonly hostId: string;
  readonly hostName: string;
  readonly status: InstanceStatus;
  readonly previousStatus?: InstanceStatus;
}

export interface LifecycleEventChange extends ChangeOf {
  readonly type: 'lifecycle-event';
  readonly hostId: string;
  readonly hostName: string;
  readonly event: LifecycleEventName;
  readonly status: LifecycleEventStatus;
  readonly previousStatus?: LifecycleEventStatus;
  readonly diagnostics?: EventDiagnostics;
  readonly startTime?: string;
  readonly endTime?: string;
}

export type DeploymentChange = DeploymentStatusChange | BatchChange | InstanceChange | LifecycleEventChange;

export type DeploymentChangeListener = (change: DeploymentChange) => void;

/**
 * The changes from `previous` (undefined: the deployment has just started) to `state`, in the order a reader
 * expects: the deployment's status (last when it ends), its batch, then per host its events and its own status. Hosts the engine
 * did not touch keep their object identity, so a step on one host of a thousand compares one host deeply.
 */
export function describeChanges(previous: DeploymentState | undefined, state: DeploymentState, now: number): DeploymentChange[] {
  const of = changeOf(state.context, now);
  const changes: DeploymentChange[] = [];
  const statusChange: DeploymentChange[] = [];
  if (previous?.status !== state.status) {
    statusChange.push(
      describeStatusChange(state.context, now, { status: state.status, previousStatus: previous?.status, errorInformation: state.errorInformation }),
    );
  }
  // A deployment's news come first while it runs, last when it ends: its last host finished before it did.
  const ended = isTerminalDeploymentStatus(state.status);
  if (!ended) changes.push(...statusChange);
  const batch = state.plan.batches[state.batchIndex];
  if (batch && previous?.batchIndex !== state.batchIndex) {
    changes.push({ ...of, type: 'batch', batchIndex: state.batchIndex, batchCount: state.plan.batches.length, label: batch.label });
  }
  const before = previous ? hostsById(previous) : new Map<string, HostProgress>();
  for (const host of state.hosts) {
    const earlier = before.get(host.hostId);
    if (earlier !== host) changes.push(...describeHostChanges(of, earlier, host));
  }
  if (ended) changes.push(...statusChange);
  return changes;
}

/**
 * A deployment's status change, whether a step made it (`describeChanges`) or the store did outside a step
 * (a deployment queued, stopped before it started, failed when it was created).
 */
export function describeStatusChange(
  context: DeploymentContext,
  now: number,
  { status, previousStatus, errorInformation }: Pick<DeploymentStatusChange, 'status' | 'previousStatus' | 'errorInformation'>,
): DeploymentStatusChange {
  return {
    ...changeOf(context, now),
    type: 'deployment',
    creator: context.creator,
    status,
    ...(previousStatus ? { previousStatus } : {}),
    ...(errorInformation ? { errorInformation } : {}),
  };
}

function changeOf(context: DeploymentContext, now: number): ChangeOf {
  return {
    deploymentId: context.deploymentId,
    applicationName: context.applicationName,
    groupName: context.deploymentGroupName,
    groupId: context.deploymentGroupId,
    at: new Date(now).toISOString(),
  };
}

function describeHostChanges(of: ChangeOf, earlier: HostProgress | undefined, host: HostProgress): DeploymentChange[] {
  const changes: DeploymentChange[] = [];
  const hostOf = { ...of, hostId: host.hostId, hostName: host.name };
  host.events.forEach((event, index) => {
    const before = earlier?.events[index];
    if (before?.status === event.status) return;
    // A new host's events start Pending: that is the host's status, not news about each event.
    if (!before && event.status === 'Pending') return;
    changes.push(describeEvent(hostOf, event, before?.status));
  });
  if (earlier?.status !== host.status) {
    changes.push({ ...hostOf, type: 'instance', status: host.status, ...(earlier ? { previousStatus: earlier.status } : {}) });
  }
  return changes;
}

function describeEvent(
  hostOf: ChangeOf & { hostId: string; hostName: string },
  event: EventProgress,
  previousStatus: LifecycleEventStatus | undefined,
): LifecycleEventChange {
  return {
    ...hostOf,
    type: 'lifecycle-event',
    event: event.name,
    status: event.status,
    ...(previousStatus ? { previousStatus } : {}),
    ...(event.diagnostics ? { diagnostics: event.diagnostics } : {}),
    ...(event.startTime !== undefined ? { startTime: new Date(event.startTime).toISOString() } : {}),
    ...(event.endTime !== undefined ? { endTime: new Date(event.endTime).toISOString() } : {}),
  };
}

function hostsById(state: DeploymentState): Map<string, HostProgress> {
  return new Map(state.hosts.map((host) => [host.hostId, host]));
}

/**
 * Fans changes out to listeners. A listener runs synchronously on the runner's turn, so it must be quick and
 * hand slow work (HTTP calls, disk) to its own queue; a listener that throws is reported and does not stop
 * the others or the runner.
 */
export class DeploymentFeed {
  private readonly listeners = new Set<DeploymentChangeListener>();

  constructor(private readonly onListenerError: (error: unknown, change: DeploymentChange) => void) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: DeploymentChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(changes: readonly DeploymentChange[]): void {
    for (const change of changes) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch (error) {
          this.onListenerError(error, change);
        }
      }
    }
  }
}
