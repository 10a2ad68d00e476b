/**
 * Lookups by host id and by batch, computed once per deployment plan. Hosts keep their position in
 * `state.hosts` for the whole deployment, so the answer never changes; memoising it keeps each step from
 * scanning a thousand hosts to find one. Deterministic, so the engine stays pure.
 */
import type { DeploymentPlan, DeploymentState } from './types.js';

interface HostIndex {
  readonly byId: ReadonlyMap<string, number>;
  readonly byBatch: readonly (readonly number[])[];
}

const indexes = new WeakMap<DeploymentPlan, HostIndex>();

function indexOf(state: DeploymentState): HostIndex {
  let index = indexes.get(state.plan);
  if (!index) {
    const byId = new Map(state.hosts.map((host, position) => [host.hostId, position]));
    const byBatch = state.plan.batches.map((batch) => batch.hostIds.flatMap((id) => byId.get(id) ?? []));
    index = { byId, byBatch };
    indexes.set(state.plan, index);
  }
  return index;
}

/** The position of a host in `state.hosts`, or undefined when it is not part of the deployment. */
export const hostPosition = (state: DeploymentState, hostId: string): number | undefined => indexOf(state).byId.get(hostId);

/** Positions in `state.hosts` of the hosts of a batch, in deployment order. */
export const batchPositions = (state: DeploymentState, batchIndex: number): readonly number[] => indexOf(state).byBatch[batchIndex] ?? [];
