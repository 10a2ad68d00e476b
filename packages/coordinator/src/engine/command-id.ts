import type { LifecycleEventName } from '@baton/shared';

/** Deterministic, so a replayed step produces the same command and an agent can drop the duplicate. */
export const commandIdFor = (deploymentId: string, hostId: string, event: LifecycleEventName): string =>
  `${deploymentId}.${hostId}.${event}`;
