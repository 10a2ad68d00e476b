/**
 * The engine's data: a deployment's state, the events that move it, and the commands it decides.
 * Everything is plain, immutable data; times are epoch milliseconds supplied by the caller.
 */
import type {
  DeploymentConfig,
  DeploymentContext,
  Strategy,
  StrategyType,
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

/**
 * One batch of a deployment: its hosts run their lifecycle events, then the batch bakes (health and alarms are
 * watched), then — when it asks for approval — the deployment waits for a person before the next batch.
 */
export interface BatchPlan {
  readonly label: string;
  readonly hostIds: readonly string[];
  /** `minimumHealthy`: the reference's rule decides how many hosts run at once; `all`: the whole batch at once. */
  readonly concurrency: 'minimumHealthy' | 'all';
  /** With `minimumHealthy` concurrency: the minimum computed over this batch's hosts. */
  readonly minimumHealthy?: number;
  /** Failed hosts the batch tolerates; absent: the minimum-healthy rule decides. */
  readonly failureBudget?: number;
  /** The batch's hosts stop before this event and wait (`Ready`) for a later batch to take them on. */
  readonly untilEvent?: LifecycleEventName;
  /** At the batch's start, these hosts get `percent` of the traffic and the others the rest (blue/green shifting). */
  readonly trafficShift?: { readonly toHostIds: readonly string[]; readonly percent: number };
  readonly bakeMs: number;
  /** After the batch (and its bake), wait for a person: `promote` after a canary, `continue` for a blue/green ready wait. */
  readonly approval?: 'promote' | 'continue';
  /** A canary batch with a traffic router: its share of requests and whether matched requests go to it. */
  readonly canaryTraffic?: { readonly weightPercent?: number; readonly match: boolean };
}

/** Which endings start a rollback (the group's auto-rollback events). */
export interface RollbackPolicy {
  readonly onFailure: boolean;
  readonly onAlarm: boolean;
  readonly onStopRequest: boolean;
}

/** Decided once when the deployment starts. */
export interface DeploymentPlan {
  readonly strategy: StrategyType;
  readonly batches: readonly BatchPlan[];
  /** Failed hosts the whole deployment tolerates (rolling); absent: the minimum-healthy rule decides. */
  readonly totalFailureBudget?: number;
  readonly minimumHealthy: number;
  readonly deploymentConfigName: string;
  /** How long the coordinator waits for one event's result from a connected host. */
  readonly eventTimeoutMs: number;
  /** How long an event may wait for a host that went offline before it fails. */
  readonly offlineEventTimeoutMs: number;
  readonly ignoreApplicationStopFailures: boolean;
  readonly rollback: RollbackPolicy;
  /** Blue/green: the environment that served traffic before, and the one this deployment brings in. */
  readonly environments?: { readonly original: string; readonly replacement: string };
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
  /** The batch being deployed, baked or awaiting approval (`status` says which: InProgress, Baking, Ready). */
  readonly batchIndex: number;
  /** While Baking: when the bake ends. */
  readonly bakeUntil?: number;
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
  readonly tags: Readonly<Record<string, string>>;
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
  readonly strategy: Strategy;
  /** With a traffic router the in-place lifecycle gains the Block/Allow traffic events. */
  readonly withTrafficRouter: boolean;
  /** Blue/green: the environment serving traffic now (tag value); the other one receives the deployment. */
  readonly liveEnvironment?: string;
  /** A blue/green rollback: only move traffic back from `replacement` to `original`; nothing is installed. */
  readonly reroute?: { readonly original: string; readonly replacement: string };
  readonly eventTimeoutMs: number;
  readonly offlineEventTimeoutMs: number;
  readonly rollback: RollbackPolicy;
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
  | { readonly type: 'STOP'; readonly rollback: boolean; readonly message?: string }
  /** A person lets the deployment go on (`baton deployment promote` after a canary, `continue` for blue/green). */
  | { readonly type: 'APPROVE'; readonly approval: 'promote' | 'continue' }
  /** An alarm of the group fired while the deployment ran or baked. */
  | { readonly type: 'ALARM'; readonly name: string; readonly message: string }
  /** A health check failed on a host of the deployment (after its events, or while baking). */
  | { readonly type: 'HOST_UNHEALTHY'; readonly hostId: string; readonly message: string }
  /** The traffic router refused a change the engine asked for. */
  | { readonly type: 'TRAFFIC_FAILED'; readonly message: string };

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
  /** BlockTraffic / AllowTraffic of one host, done by the coordinator; its result comes back as EVENT_RESULT. */
  | { readonly type: 'ROUTE_TRAFFIC'; readonly commandId: string; readonly hostId: string; readonly action: 'block' | 'allow' }
  /**
   * Canary traffic: `shares` gives hosts a percentage of the requests (null: back to normal weights), and
   * requests matching the group's rule go to `matchedHostIds` (empty: rule off).
   */
  | { readonly type: 'SET_TRAFFIC_SPLIT'; readonly shares: readonly { hostId: string; percent: number }[] | null; readonly matchedHostIds: readonly string[] }
  /** Redeploy the group's last successful revision to these hosts, linked to this deployment. */
  | {
      readonly type: 'START_ROLLBACK';
      readonly hostIds: readonly string[];
      readonly reason: string;
      /** `redeploy` the last successful revision, or (blue/green after traffic moved) `reroute` traffic back. */
      readonly kind: 'redeploy' | 'reroute';
    };


export interface StepResult {
  readonly state: DeploymentState;
  readonly commands: readonly Command[];
}
