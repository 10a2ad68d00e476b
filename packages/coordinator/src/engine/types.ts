/**
 * The engine's data: a deployment's state, the events that move it, and the commands it decides.
 * Everything is plain, immutable data; times are epoch milliseconds supplied by the caller.
 */
import type {
  DeploymentConfig,
  DeploymentContext,
  DeploymentErrorCode,
  DeploymentStatus,
  EventDiagnostics,
  InstanceStatus,
  LifecycleEventName,
  LifecycleEventStatus,
  RunEvent,
} from '@baton/shared';

export interface EventProgress {
  readonly name: LifecycleEventName;
  /** Unique per (deployment, host, event): the agent drops a command it has already run. */
  readonly commandId: string;
  readonly status: LifecycleEventStatus;
  readonly startTime?: number;
  readonly endTime?: number;
  /** When the coordinator gives up waiting for this event's result. */
  readonly deadlineAt?: number;
  readonly diagnostics?: EventDiagnostics;
}

export interface HostProgress {
  readonly hostId: string;
  readonly name: string;
  /** Deployment order (reference section 6: unhealthy, unknown revision, old revision, current revision). */
  readonly position: number;
  readonly status: InstanceStatus;
  /** A host that failed in this deployment, or was unreachable when it started, is unhealthy. */
  readonly healthy: boolean;
  readonly online: boolean;
  readonly offlineSince?: number;
  readonly events: readonly EventProgress[];
}

/** Decided once when the deployment starts. */
export interface DeploymentPlan {
  readonly minimumHealthy: number;
  readonly deploymentConfigName: string;
  /** How long the coordinator waits for one event's result from a connected host. */
  readonly eventTimeoutMs: number;
  /** How long an event may wait for a host that went offline before it fails. */
  readonly offlineEventTimeoutMs: number;
  readonly ignoreApplicationStopFailures: boolean;
  /** Start a rollback deployment when this one fails. */
  readonly rollbackOnFailure: boolean;
}

export interface ErrorInformation {
  readonly code: DeploymentErrorCode;
  readonly message: string;
}

export interface DeploymentState {
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
  readonly context: DeploymentContext;
  readonly plan: DeploymentPlan;
  readonly hosts: readonly HostProgress[];
  readonly errorInformation?: ErrorInformation;
  readonly startedAt: number;
  readonly completedAt?: number;
  /** The wake-up the engine last asked for; a wake-up at any other time is harmless. */
  readonly wakeupAt?: number;
}

/** A host that a starting deployment may target, with what the store knows about its history in the group. */
export interface HostCandidate {
  readonly hostId: string;
  readonly name: string;
  readonly online: boolean;
  /** Outcome of the group's last deployment to this host, if any. */
  readonly lastOutcome?: 'succeeded' | 'failed';
  /** How the revision on the host relates to the one being deployed. */
  readonly revision: 'unknown' | 'old' | 'current';
}

export interface StartInput {
  readonly context: DeploymentContext;
  readonly deploymentConfig: DeploymentConfig;
  readonly candidates: readonly HostCandidate[];
  readonly events: readonly LifecycleEventName[];
  readonly eventTimeoutMs: number;
  readonly offlineEventTimeoutMs: number;
  readonly rollbackOnFailure: boolean;
}

export type EngineEvent =
  | {
      readonly type: 'EVENT_RESULT';
      readonly commandId: string;
      readonly status: 'Succeeded' | 'Failed';
      readonly startTime: number;
      readonly endTime: number;
      readonly diagnostics: EventDiagnostics;
    }
  | { readonly type: 'HOST_CONNECTIVITY'; readonly hostId: string; readonly online: boolean }
  | { readonly type: 'WAKEUP' }
  | { readonly type: 'STOP'; readonly rollback: boolean; readonly message?: string };

export type Command =
  | { readonly type: 'SEND_TO_HOST'; readonly hostId: string; readonly message: RunEvent }
  | { readonly type: 'SCHEDULE_WAKEUP'; readonly at: number }
  | {
      readonly type: 'RECORD_EVENT';
      readonly level: 'info' | 'warn';
      readonly message: string;
      readonly hostId?: string;
      readonly event?: LifecycleEventName;
    }
  /** Redeploy the group's last successful revision to these hosts, linked to this deployment. */
  | { readonly type: 'START_ROLLBACK'; readonly hostIds: readonly string[]; readonly reason: string };

export interface StepResult {
  readonly state: DeploymentState;
  readonly commands: readonly Command[];
}
