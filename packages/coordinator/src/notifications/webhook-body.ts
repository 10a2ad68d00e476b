/**
 * The bytes a webhook sends. Built once, when the event happens, and stored with the delivery: every retry
 * sends (and signs) exactly the same body, so a receiver can compare deliveries.
 */
import { assertNever, type DeploymentStatus, type InstanceStatus, type TriggerEvent, type TriggerFormat } from '@baton/shared';

/** What went wrong: a deployment's error, or for a host the lifecycle event that failed. */
export interface NoticeError {
  readonly code: string;
  readonly message: string;
  readonly lifecycleEvent?: string;
}

/** One trigger event, as the triggers of the group see it. */
export interface Notice {
  readonly event: TriggerEvent;
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly groupName: string;
  readonly status: DeploymentStatus | InstanceStatus;
  readonly previousStatus?: DeploymentStatus | InstanceStatus | undefined;
  /** Present for instance events. */
  readonly host?: { readonly hostId: string; readonly name: string } | undefined;
  readonly error?: NoticeError | undefined;
  /** ISO time the change was committed. */
  readonly at: string;
}

/** The `json` format. Absent values are `null`, so every field is always present (as in the API). */
export interface WebhookJsonBody {
  readonly event: TriggerEvent;
  readonly trigger: string;
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly status: DeploymentStatus | InstanceStatus;
  readonly previousStatus: DeploymentStatus | InstanceStatus | null;
  readonly host: { readonly hostId: string; readonly name: string } | null;
  readonly errorInformation: NoticeError | null;
  readonly time: string;
}

export function formatWebhookBody(notice: Notice, format: TriggerFormat, triggerName: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(toJsonBody(notice, triggerName));
    case 'slack':
      return JSON.stringify({ text: describeNotice(notice) });
    default:
      return assertNever(format, 'trigger format');
  }
}

function toJsonBody(notice: Notice, trigger: string): WebhookJsonBody {
  return {
    event: notice.event,
    trigger,
    deploymentId: notice.deploymentId,
    applicationName: notice.applicationName,
    deploymentGroupName: notice.groupName,
    status: notice.status,
    previousStatus: notice.previousStatus ?? null,
    host: notice.host ?? null,
    errorInformation: notice.error ?? null,
    time: notice.at,
  };
}

const WHAT_HAPPENED: Readonly<Record<TriggerEvent, string>> = {
  DeploymentStart: 'started',
  DeploymentSuccess: 'succeeded',
  DeploymentFailure: 'failed',
  DeploymentStop: 'was stopped',
  DeploymentRollback: 'started, rolling back',
  DeploymentReady: 'is ready and waits to go on',
  InstanceStart: 'started',
  InstanceSuccess: 'succeeded',
  InstanceFailure: 'failed',
  InstanceReady: 'is ready',
};

/** One line for people: `Baton: shop/web deployment d-1 failed — HEALTH_CONSTRAINTS: …`. */
export function describeNotice(notice: Notice): string {
  const subject = notice.host
    ? `host ${notice.host.name} in deployment ${notice.deploymentId}`
    : `${notice.event === 'DeploymentRollback' ? 'rollback' : 'deployment'} ${notice.deploymentId}`;
  const error = notice.error
    ? ` — ${notice.error.lifecycleEvent ? `${notice.error.lifecycleEvent} ` : ''}${notice.error.code}: ${notice.error.message}`
    : '';
  return `Baton: ${notice.applicationName}/${notice.groupName} ${subject} ${WHAT_HAPPENED[notice.event]}${error}`;
}
