/** The deployment JSON of `baton deployment get --json`, as far as the end-to-end tests read it. */
export interface DeploymentJson {
  deploymentId: string;
  status: string;
  creator: string;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
  instances: {
    hostId: string;
    name: string;
    status: string;
    lifecycleEvents: {
      lifecycleEventName: string;
      status: string;
      startTime?: string;
      endTime?: string;
      diagnostics?: { errorCode: string; message: string; logTail: string };
    }[];
  }[];
}

export const isFinished = (deployment: DeploymentJson): boolean => ['Succeeded', 'Failed', 'Stopped'].includes(deployment.status);

/** The host running `event` right now, if any. */
export const hostRunning = (deployment: DeploymentJson, event: string) =>
  deployment.instances.find((i) => i.lifecycleEvents.some((e) => e.lifecycleEventName === event && e.status === 'InProgress'));
