/**
 * Which trigger events a committed change stands for. Pure: the feed's changes in, the reference's event names
 * out. A change is news only on the transition into a status, so a deployment that bakes and resumes
 * (`Baking → InProgress`) does not start again, and a late result recorded on a finished deployment (its status
 * unchanged) sends nothing.
 */
import { DeploymentStatus, InstanceStatus, assertNever, type TriggerEvent } from '@baton/shared';
import type { DeploymentChange, DeploymentStatusChange, InstanceChange } from '../runner/deployment-feed.js';
import type { Notice, NoticeError } from './webhook-body.js';

export function triggerEventsFor(change: DeploymentChange): TriggerEvent[] {
  switch (change.type) {
    case 'deployment':
      return deploymentEvents(change);
    case 'instance':
      return instanceEvents(change);
    case 'batch':
    case 'lifecycle-event':
      return [];
    default:
      return assertNever(change, 'deployment change');
  }
}

/** Statuses a deployment leaves when it starts: it was just created, or waited for its group. */
const NOT_STARTED: ReadonlySet<DeploymentStatus | undefined> = new Set([undefined, DeploymentStatus.Created, DeploymentStatus.Queued]);

function deploymentEvents({ status, previousStatus, creator }: DeploymentStatusChange): TriggerEvent[] {
  switch (status) {
    case DeploymentStatus.InProgress:
      if (!NOT_STARTED.has(previousStatus)) return [];
      // A rollback is a deployment of its own: it starts like any other, and is also the rollback's news.
      return creator === 'rollback' ? ['DeploymentStart', 'DeploymentRollback'] : ['DeploymentStart'];
    case DeploymentStatus.Succeeded:
      return ['DeploymentSuccess'];
    case DeploymentStatus.Failed:
      return ['DeploymentFailure'];
    case DeploymentStatus.Stopped:
      return ['DeploymentStop'];
    case DeploymentStatus.Ready:
      return ['DeploymentReady'];
    case DeploymentStatus.Created:
    case DeploymentStatus.Queued:
    case DeploymentStatus.Baking:
      return [];
    default:
      return assertNever(status, 'deployment status');
  }
}

function instanceEvents({ status, previousStatus }: InstanceChange): TriggerEvent[] {
  switch (status) {
    case InstanceStatus.InProgress:
      // Back from Ready (a blue/green host going on) or Unknown (its agent came back) is not a new start.
      return previousStatus === undefined || previousStatus === InstanceStatus.Pending ? ['InstanceStart'] : [];
    case InstanceStatus.Succeeded:
      return ['InstanceSuccess'];
    case InstanceStatus.Failed:
      return ['InstanceFailure'];
    case InstanceStatus.Ready:
      return ['InstanceReady'];
    case InstanceStatus.Pending:
    case InstanceStatus.Skipped:
    case InstanceStatus.Unknown:
      return [];
    default:
      return assertNever(status, 'instance status');
  }
}

/**
 * The notice of one event of a deployment or instance change. A host's change does not carry why it failed:
 * `hostError` is the failed lifecycle event the caller saw just before (the feed publishes a host's events
 * before its status).
 */
export function toNotice(change: DeploymentStatusChange | InstanceChange, event: TriggerEvent, hostError?: NoticeError): Notice {
  const common = {
    event,
    deploymentId: change.deploymentId,
    applicationName: change.applicationName,
    groupName: change.groupName,
    previousStatus: change.previousStatus,
    at: change.at,
  };
  if (change.type === 'instance') {
    return { ...common, status: change.status, host: { hostId: change.hostId, name: change.hostName }, error: hostError };
  }
  const error = change.errorInformation && { code: change.errorInformation.code, message: change.errorInformation.message };
  return { ...common, status: change.status, error };
}
