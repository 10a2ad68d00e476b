import type { HostMetricsSample } from '@baton/shared';

/** 15 minutes at the agent's default interval of 10 s. */
export const DEFAULT_SAMPLES_PER_HOST = 90;

/**
 * The recent metric samples of each host, in memory only: a ring buffer per host. Nothing is written to the
 * store: samples arrive every few seconds from every host, they are worthless after a few minutes, and an
 * agent sends a fresh one as soon as it reconnects to a restarted coordinator.
 *
 * Samples are stamped with the coordinator's receive time (`at`), so alarm windows never depend on the
 * hosts' clocks.
 */
export class MetricsHistory {
  private readonly rings = new Map<string, { readonly samples: HostMetricsSample[]; next: number }>();

  constructor(private readonly capacity = DEFAULT_SAMPLES_PER_HOST) {}

  record(hostId: string, sample: HostMetricsSample, receivedAt: Date): void {
    const stamped = { ...sample, at: receivedAt.toISOString() };
    const ring = this.rings.get(hostId) ?? { samples: [], next: 0 };
    this.rings.set(hostId, ring);
    if (ring.samples.length < this.capacity) ring.samples.push(stamped);
    else ring.samples[ring.next] = stamped;
    ring.next = (ring.next + 1) % this.capacity;
  }

  /** Oldest first. */
  samples(hostId: string): HostMetricsSample[] {
    const ring = this.rings.get(hostId);
    if (!ring) return [];
    return ring.samples.length < this.capacity ? ring.samples.slice() : [...ring.samples.slice(ring.next), ...ring.samples.slice(0, ring.next)];
  }

  latest(hostId: string): HostMetricsSample | undefined {
    const ring = this.rings.get(hostId);
    return ring?.samples[(ring.next - 1 + ring.samples.length) % ring.samples.length];
  }
}
