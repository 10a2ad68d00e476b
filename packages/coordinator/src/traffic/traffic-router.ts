/**
 * What Baton asks of the load balancer in front of a group. Every operation is idempotent (the runner may
 * redeliver a command after a restart) and changes the balancer at run time, without a reload. Failures —
 * the balancer unreachable, a server it does not know, a host missing from the group's `servers` map — are
 * infrastructure faults and reject with an Error that names the backend and server.
 */

/** A server's administrative state, in HAProxy's words (the vocabulary every router maps to). */
export const ServerState = {
  /** Takes new requests. */
  Ready: 'ready',
  /** Takes no new requests; requests already on it finish. */
  Drain: 'drain',
  /** Out of service. */
  Maint: 'maint',
} as const;
export type ServerState = (typeof ServerState)[keyof typeof ServerState];

export interface RoutedServer {
  readonly hostName: string;
  readonly server: string;
  /** Its state in the group's backend. */
  readonly state: ServerState;
  /** Its current weight in the group's backend (HAProxy: 0–256). */
  readonly weight: number;
  /** Whether requests matching the canary rule go to it (always false without a canary backend). */
  readonly matched: boolean;
}

export interface TrafficRouter {
  /** BlockTraffic: the host takes no new requests; requests already on it finish. */
  block(hostName: string): Promise<void>;
  /** AllowTraffic: the host takes requests again, with its configured weight. */
  allow(hostName: string): Promise<void>;
  /**
   * Splits the backend's traffic: each named host gets its share (percent, 0–100, summing to 100); mapped
   * hosts not named get none. A host given a share is put in service (a drained environment can take traffic
   * back); hosts with no share keep their state but receive nothing.
   */
  setWeights(shares: Readonly<Record<string, number>>): Promise<void>;
  /** Puts every mapped host back to its configured weight (the end of a weighted split). */
  restoreWeights(): Promise<void>;
  /** Requests matching the canary rule go only to these hosts; an empty list turns the rule off. */
  routeMatchedTo(hostNames: readonly string[]): Promise<void>;
  /** Every mapped host's server as the balancer sees it now, in the order of the `servers` map. */
  describe(): Promise<RoutedServer[]>;
}
