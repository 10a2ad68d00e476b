import type { HostCandidate } from './types.js';

/**
 * Deployment order of the reference (section 6, rule 4): unhealthy hosts first (so a broken host is fixed
 * first), then hosts with an unknown revision, then an old one, then hosts already running this revision.
 * Ties keep the name order, so a plan is reproducible.
 */
export function orderHosts(candidates: readonly HostCandidate[]): HostCandidate[] {
  return [...candidates].sort((a, b) => rank(a) - rank(b) || compareStrings(a.name, b.name) || compareStrings(a.hostId, b.hostId));
}

const isUnhealthy = (host: HostCandidate): boolean => !host.online || host.lastOutcome === 'failed';

function rank(host: HostCandidate): number {
  if (isUnhealthy(host)) return 0;
  switch (host.revision) {
    case 'unknown':
      return 1;
    case 'old':
      return 2;
    case 'current':
      return 3;
  }
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
