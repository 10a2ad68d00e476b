/**
 * The last agent upgrade asked of each host (migration 010). States, in order:
 * `waiting` (asked; the host still has lifecycle work) → `sent` (`upgrade-agent` is on its way) → `starting` (the
 * agent swapped versions and restarts) → `upgraded` (it said hello with the new version). `refused` and `failed`
 * end it early: the agent's answer, a fallback to the previous version, or a host that did not come back.
 * Each change is one conditional statement: a late or repeated report cannot move an upgrade backwards.
 */
import type { Database } from './database.js';

export const HostUpgradeState = {
  waiting: 'waiting',
  sent: 'sent',
  starting: 'starting',
  upgraded: 'upgraded',
  refused: 'refused',
  failed: 'failed',
} as const;
export type HostUpgradeState = (typeof HostUpgradeState)[keyof typeof HostUpgradeState];

/** The states each state may be reached from (`waiting` only by a new request). */
const REACHED_FROM: Record<HostUpgradeState, readonly HostUpgradeState[]> = {
  waiting: [],
  sent: ['waiting'],
  starting: ['sent'],
  upgraded: ['sent', 'starting'],
  refused: ['sent'],
  failed: ['sent', 'starting'],
};

/** Upgrades still under way: the host is expected to restart, or is about to be asked to. */
export const isUpgradeUnderWay = (state: HostUpgradeState): boolean => state === 'sent' || state === 'starting';

export interface HostUpgrade {
  readonly hostId: string;
  readonly version: string;
  readonly fromVersion: string | undefined;
  readonly packageUrl: string;
  readonly sha256: string;
  readonly state: HostUpgradeState;
  readonly message: string;
  readonly requestedAt: string;
  readonly updatedAt: string;
}

interface HostUpgradeRow {
  host_id: string;
  version: string;
  from_version: string | null;
  package_url: string;
  sha256: string;
  state: HostUpgradeState;
  message: string;
  requested_at: string;
  updated_at: string;
}

const toHostUpgrade = (row: HostUpgradeRow): HostUpgrade => ({
  hostId: row.host_id,
  version: row.version,
  fromVersion: row.from_version ?? undefined,
  packageUrl: row.package_url,
  sha256: row.sha256,
  state: row.state,
  message: row.message,
  requestedAt: row.requested_at,
  updatedAt: row.updated_at,
});

export interface UpgradeRequest {
  readonly hostId: string;
  readonly version: string;
  readonly fromVersion: string | undefined;
  readonly packageUrl: string;
  readonly sha256: string;
}

/** Records a new request as `waiting`, replacing whatever the host's last upgrade was. */
export function requestHostUpgrade(db: Database, request: UpgradeRequest, message: string, now: Date): HostUpgrade {
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO host_upgrades (host_id, version, from_version, package_url, sha256, state, message, requested_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?)
     ON CONFLICT (host_id) DO UPDATE SET version = excluded.version, from_version = excluded.from_version,
       package_url = excluded.package_url, sha256 = excluded.sha256, state = 'waiting', message = excluded.message,
       requested_at = excluded.requested_at, updated_at = excluded.updated_at`,
  ).run(request.hostId, request.version, request.fromVersion ?? null, request.packageUrl, request.sha256, message, at, at);
  return getHostUpgrade(db, request.hostId)!;
}

/**
 * Moves the host's upgrade to `version` into `state` when its current state allows it; returns whether it did.
 * A report about another version than the one last asked for changes nothing.
 */
export function advanceHostUpgrade(db: Database, hostId: string, version: string, state: HostUpgradeState, message: string, now: Date): boolean {
  const from = REACHED_FROM[state];
  if (from.length === 0) return false;
  const result = db
    .prepare(
      `UPDATE host_upgrades SET state = ?, message = ?, updated_at = ?
       WHERE host_id = ? AND version = ? AND state IN (${from.map(() => '?').join(', ')})`,
    )
    .run(state, message, now.toISOString(), hostId, version, ...from);
  return result.changes === 1;
}

export function getHostUpgrade(db: Database, hostId: string): HostUpgrade | undefined {
  const row = db.prepare<[string], HostUpgradeRow>('SELECT * FROM host_upgrades WHERE host_id = ?').get(hostId);
  return row && toHostUpgrade(row);
}

/** Upgrades in `states`, oldest request first. */
export function listHostUpgrades(db: Database, states: readonly HostUpgradeState[]): HostUpgrade[] {
  return db
    .prepare<string[], HostUpgradeRow>(`SELECT * FROM host_upgrades WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY requested_at, host_id`)
    .all(...states)
    .map(toHostUpgrade);
}
