import {
  AlarmSpec,
  AutoRollbackEvent,
  DeploymentStatus,
  err,
  isTerminalDeploymentStatus,
  GroupFile,
  HealthCheckSpec,
  HostSelector,
  matchesSelector,
  ok,
  Strategy,
  TrafficRouterSpec,
  type DeploymentConfig,
  type OutdatedInstancesStrategy,
  type Result,
} from '@baton/shared';
import { z } from 'zod';
import { formatAlarm, formatHealthCheck, formatStrategy } from '../group-spec/format-group-spec.js';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { listHosts, type Host } from './hosts.js';
import { parseStoredJson } from './stored-json.js';

/** How a group deploys, in the parsed form of the group file (durations in milliseconds). */
export interface GroupSpecSettings {
  readonly strategy: Strategy;
  readonly trafficRouter?: TrafficRouterSpec | undefined;
  readonly healthChecks: readonly HealthCheckSpec[];
  readonly alarms: readonly AlarmSpec[];
  /** The events after which a deployment of the group rolls back by itself; empty: never. */
  readonly autoRollbackEvents: readonly AutoRollbackEvent[];
  readonly outdatedInstances: OutdatedInstancesStrategy;
}

export interface DeploymentGroupSettings extends GroupSpecSettings {
  /** Which hosts belong to the group, evaluated whenever it is needed: hosts join and leave by their tags. */
  readonly hostSelector: HostSelector;
  readonly deploymentConfig: DeploymentConfig;
}

export interface DeploymentGroup extends DeploymentGroupSettings {
  readonly id: string;
  readonly applicationId: string;
  readonly name: string;
  /** Derived, never stored: whether a failed deployment rolls back (`DEPLOYMENT_FAILURE` is in the events). */
  readonly autoRollback: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a group that says nothing about its strategy gets: the group file's defaults, from its schema. */
export const DEFAULT_GROUP_SPEC: GroupSpecSettings = {
  strategy: GroupFile.shape.strategy.parse(undefined),
  healthChecks: GroupFile.shape.healthChecks.parse(undefined),
  alarms: GroupFile.shape.alarms.parse(undefined),
  autoRollbackEvents: GroupFile.shape.autoRollback.parse(undefined).events,
  outdatedInstances: GroupFile.shape.outdatedInstances.parse(undefined),
};

export type NewDeploymentGroup = { readonly applicationId: string; readonly name: string } & Pick<
  DeploymentGroupSettings,
  'hostSelector' | 'deploymentConfig'
> &
  Partial<GroupSpecSettings>;

/** The stored form of a resolved configuration; checked against the shared type at compile time. */
const StoredDeploymentConfig = z.object({
  name: z.string(),
  minimumHealthyHosts: z.union([
    z.object({ type: z.enum(['HOST_COUNT', 'FLEET_PERCENT']), value: z.number().int().nonnegative() }),
    z.object({ type: z.literal('ALL_BUT_ONE') }),
  ]),
}) satisfies z.ZodType<DeploymentConfig>;

/** The columns that hold a group's settings. JSON columns hold the group file's form (see format-group-spec). */
interface SettingsColumns {
  host_selector: string;
  deployment_config: string;
  strategy: string;
  traffic_router: string | null;
  health_checks: string;
  alarms: string;
  auto_rollback_events: string;
  /** Kept within the union by the column's CHECK. */
  outdated_instances: OutdatedInstancesStrategy;
}

interface DeploymentGroupRow extends SettingsColumns {
  id: string;
  application_id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

const SETTINGS_ASSIGNMENTS = `host_selector = @host_selector, deployment_config = @deployment_config, strategy = @strategy,
  traffic_router = @traffic_router, health_checks = @health_checks, alarms = @alarms,
  auto_rollback_events = @auto_rollback_events, outdated_instances = @outdated_instances`;

const toSettingsColumns = (settings: DeploymentGroupSettings): SettingsColumns => ({
  host_selector: JSON.stringify(settings.hostSelector),
  deployment_config: JSON.stringify(settings.deploymentConfig),
  strategy: JSON.stringify(formatStrategy(settings.strategy)),
  traffic_router: settings.trafficRouter ? JSON.stringify(settings.trafficRouter) : null,
  health_checks: JSON.stringify(settings.healthChecks.map(formatHealthCheck)),
  alarms: JSON.stringify(settings.alarms.map(formatAlarm)),
  auto_rollback_events: JSON.stringify(settings.autoRollbackEvents),
  outdated_instances: settings.outdatedInstances,
});

function toDeploymentGroup(row: DeploymentGroupRow): DeploymentGroup {
  const what = (setting: string) => `${setting} of group ${row.id}`;
  const autoRollbackEvents = parseStoredJson(z.array(AutoRollbackEvent), row.auto_rollback_events, what('auto rollback events'));
  return {
    id: row.id,
    applicationId: row.application_id,
    name: row.name,
    hostSelector: parseStoredJson(HostSelector, row.host_selector, what('host selector')),
    deploymentConfig: parseStoredJson(StoredDeploymentConfig, row.deployment_config, what('configuration')),
    strategy: parseStoredJson(Strategy, row.strategy, what('strategy')),
    ...(row.traffic_router === null ? {} : { trafficRouter: parseStoredJson(TrafficRouterSpec, row.traffic_router, what('traffic router')) }),
    healthChecks: parseStoredJson(z.array(HealthCheckSpec), row.health_checks, what('health checks')),
    alarms: parseStoredJson(z.array(AlarmSpec), row.alarms, what('alarms')),
    autoRollbackEvents,
    autoRollback: autoRollbackEvents.includes('DEPLOYMENT_FAILURE'),
    outdatedInstances: row.outdated_instances,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Group names are unique within their application: a second group with the same name is refused. Settings
 * of the strategy left out take the group file's defaults.
 */
export function createDeploymentGroup(db: Database, input: NewDeploymentGroup, now: Date): Result<DeploymentGroup, 'ALREADY_EXISTS'> {
  const { applicationId, name, ...settings } = input;
  const id = newId('dg');
  const { changes } = db
    .prepare(
      `INSERT INTO deployment_groups
         (id, application_id, name, host_selector, deployment_config, strategy, traffic_router, health_checks, alarms,
          auto_rollback_events, outdated_instances, created_at, updated_at)
       VALUES (@id, @applicationId, @name, @host_selector, @deployment_config, @strategy, @traffic_router, @health_checks,
          @alarms, @auto_rollback_events, @outdated_instances, @now, @now)
       ON CONFLICT (application_id, name) WHERE deleted_at IS NULL DO NOTHING`,
    )
    .run({ id, applicationId, name, now: now.toISOString(), ...toSettingsColumns({ ...DEFAULT_GROUP_SPEC, ...settings }) });
  if (changes === 0) return err('ALREADY_EXISTS');
  return ok(requireGroup(db, id));
}

/**
 * Replaces the settings given in `changes`, keeping the others; `trafficRouter: undefined` given explicitly
 * removes the router. A running deployment is unaffected: it fixed its hosts and configuration when it
 * started. Returns undefined when there is no such group.
 */
export function updateDeploymentGroup(
  db: Database,
  id: string,
  changes: Partial<DeploymentGroupSettings>,
  now: Date,
): DeploymentGroup | undefined {
  return db.transaction(() => {
    const current = getDeploymentGroup(db, id);
    if (!current) return undefined;
    writeSettings(db, id, { ...current, ...changes }, now);
    return requireGroup(db, id);
  })();
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the group or replaces every setting of the existing one (a group file says everything). Settings
 * equal to the stored ones write nothing, so `updatedAt` tells when the group last really changed.
 */
export function applyDeploymentGroup(
  db: Database,
  input: { readonly applicationId: string; readonly name: string } & DeploymentGroupSettings,
  now: Date,
): { group: DeploymentGroup; outcome: ApplyOutcome } {
  return db.transaction(() => {
    const current = getDeploymentGroupByName(db, input.applicationId, input.name);
    if (!current) {
      const created = createDeploymentGroup(db, input, now);
      if (!created.ok) throw new Error(`deployment group ${input.name} appeared inside its own transaction`);
      return { group: created.value, outcome: 'created' as const };
    }
    if (sameSettings(current, input)) return { group: current, outcome: 'unchanged' as const };
    writeSettings(db, current.id, input, now);
    return { group: requireGroup(db, current.id), outcome: 'updated' as const };
  })();
}

/** By id, deleted or not: a deployment's history and the runner's recovery name the group. */
export function getDeploymentGroup(db: Database, id: string): DeploymentGroup | undefined {
  const row = db.prepare<[string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE id = ?').get(id);
  return row && toDeploymentGroup(row);
}

export function getDeploymentGroupByName(db: Database, applicationId: string, name: string): DeploymentGroup | undefined {
  const row = db
    .prepare<[string, string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE application_id = ? AND name = ? AND deleted_at IS NULL')
    .get(applicationId, name);
  return row && toDeploymentGroup(row);
}

export function listDeploymentGroups(db: Database, applicationId: string): DeploymentGroup[] {
  return db
    .prepare<[string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE application_id = ? AND deleted_at IS NULL ORDER BY name')
    .all(applicationId)
    .map(toDeploymentGroup);
}

/** The hosts the group's selector matches now. Filtered in JS: fleets are small and selectors are rich. */
export function listHostsForGroup(db: Database, group: DeploymentGroup): Host[] {
  return listHosts(db).filter((host) => matchesSelector(host.tags, group.hostSelector));
}

/** Renames a live group; refused when another live group of its application has the name. */
export function renameDeploymentGroup(db: Database, id: string, name: string, now: Date): Result<DeploymentGroup, 'ALREADY_EXISTS'> {
  const row = db
    .prepare<[string, string, string], DeploymentGroupRow>(
      'UPDATE OR IGNORE deployment_groups SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING *',
    )
    .get(name, now.toISOString(), id);
  return row ? ok(toDeploymentGroup(row)) : err('ALREADY_EXISTS');
}

const UNFINISHED_STATUSES = Object.values(DeploymentStatus).filter((status) => !isTerminalDeploymentStatus(status));
const UNFINISHED_SQL = `status IN (${UNFINISHED_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** Deployments of a group or an application that have not finished, the queued ones included. */
export function countUnfinishedDeployments(db: Database, of: { readonly groupId: string } | { readonly applicationId: string }): number {
  const [column, id] = 'groupId' in of ? ['group_id', of.groupId] : ['application_id', of.applicationId];
  return db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM deployments WHERE ${column} = ? AND ${UNFINISHED_SQL}`).get(id)!.n;
}

/** Why a deletion was refused: deployments that have not finished. */
export interface ActiveDeployments {
  readonly code: 'ACTIVE_DEPLOYMENTS';
  readonly count: number;
}

/**
 * Deletes a live group unless one of its deployments is unfinished (checked in the same transaction). The row
 * stays, marked deleted, so its deployments' history still names it; the name is free for a new group.
 */
export function deleteDeploymentGroup(db: Database, id: string, now: Date): Result<void, ActiveDeployments> {
  return db.transaction((): Result<void, ActiveDeployments> => {
    const active = countUnfinishedDeployments(db, { groupId: id });
    if (active > 0) return err({ code: 'ACTIVE_DEPLOYMENTS', count: active });
    db.prepare('UPDATE deployment_groups SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now.toISOString(), id);
    return ok(undefined);
  })();
}

/** Marks every live group of an application deleted; the caller has checked that none has an unfinished deployment. */
export function deleteDeploymentGroupsOf(db: Database, applicationId: string, now: Date): void {
  db.prepare('UPDATE deployment_groups SET deleted_at = ? WHERE application_id = ? AND deleted_at IS NULL').run(now.toISOString(), applicationId);
}

function writeSettings(db: Database, id: string, settings: DeploymentGroupSettings, now: Date): void {
  db.prepare(`UPDATE deployment_groups SET ${SETTINGS_ASSIGNMENTS}, updated_at = @now WHERE id = @id`).run({
    id,
    now: now.toISOString(),
    ...toSettingsColumns(settings),
  });
}

/** Compared in their stored form, which is canonical: equal settings serialize to equal columns. */
function sameSettings(a: DeploymentGroupSettings, b: DeploymentGroupSettings): boolean {
  const left = toSettingsColumns(a);
  const right = toSettingsColumns(b);
  return (Object.keys(left) as (keyof SettingsColumns)[]).every((column) => left[column] === right[column]);
}

function requireGroup(db: Database, id: string): DeploymentGroup {
  const group = getDeploymentGroup(db, id);
  if (!group) throw new Error(`deployment group ${id} vanished after it was written`);
  return group;
}
