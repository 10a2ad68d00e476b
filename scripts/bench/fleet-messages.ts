/** The IPC messages between the benchmark and its load-generator process (sim-fleet.ts). */

export interface FleetSpec {
  /** Coordinator base URL, e.g. http://127.0.0.1:7070. */
  readonly url: string;
  readonly enrollToken: string;
  readonly hosts: number;
  /** The first `subsetHosts` hosts carry `subset=yes`, the others `subset=no`; every host carries `fleet=bench`. */
  readonly subsetHosts: number;
  readonly timeoutMs: number;
}

export interface FleetStats {
  readonly answered: number;
  readonly dropped: number;
  /** CPU time of the generator process so far, in ms (user + system). */
  readonly cpuMs: number;
}

export type FleetToParent =
  | { readonly type: 'ready'; readonly enrollMs: number; readonly connectMs: number }
  | { readonly type: 'failed'; readonly message: string }
  | ({ readonly type: 'stats' } & FleetStats);

export type ParentToFleet = { readonly type: 'stats' } | { readonly type: 'stop' };

export const SIM_TAGS = { fleet: 'bench', subset: 'yes' } as const;
