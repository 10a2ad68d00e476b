/** Test fixtures for the engine: a fleet of candidate hosts and a start input around them. */
import { inPlaceEvents, type DeploymentConfig } from '@baton/shared';
import type { HostCandidate, StartInput } from './types.js';

export function fleet(count: number, offline: readonly number[] = []): HostCandidate[] {
  return Array.from({ length: count }, (_, i) => ({
    hostId: `h${String(i + 1).padStart(2, '0')}`,
    name: `web${String(i + 1).padStart(2, '0')}`,
    online: !offline.includes(i + 1),
    revision: 'old' as const,
  }));
}

export function startInput(deploymentConfig: DeploymentConfig, candidates: HostCandidate[], rollbackOnFailure = false): StartInput {
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
    events: inPlaceEvents(false),
    eventTimeoutMs: 60_000,
    offlineEventTimeoutMs: 30_000,
    rollbackOnFailure,
  };
}

