/**
 * Persists the engine's state of a started deployment: the deployment row's engine fields, one row per host,
 * one row per host and event, and the outbox. A step writes only the rows whose objects changed (the engine
 * updates immutably, so an unchanged host or event keeps its identity), so an event on one host of a
 * thousand touches a few small rows.
 */
import {
  LifecycleEventNameSchema,
  StrategyType,
  type DeploymentContext,
  type DeploymentStatus,
  type EventDiagnostics,
  type InstanceStatus,
  type LifecycleEventName,
  type LifecycleEventStatus,
} from '@baton/shared';
import { z } from 'zod';
import type { Command, DeploymentPlan, DeploymentState, EventProgress, HostProgress } from '../engine/index.js';
import type { Database } from './database.js';
import { DeploymentOptions, type DeploymentCreator } from './deployments.js';
import { diagnosticsOf } from './event-diagnostics.js';
import { toContextRevision } from './revisions.js';
import { parseStoredJson } from './stored-json.js';

const StoredBatch = z.object({
  label: z.string(),
  hostIds: z.array(z.string()),
  concurrency: z.enum(['minimumHealthy', 'all']),
  minimumHealthy: z.number().optional(),
  failureBudget: z.number().optional(),
  untilEvent: LifecycleEventNameSchema.optional(),
  trafficShift: z.object({ toHostIds: z.array(z.string()), percent: z.number() }).optional(),
  bakeMs: z.number(),
  approval: z.enum(['promote', 'continue']).optional(),
  canaryTraffic: z.object({ weightPercent: z.number().optional(), match: z.boolean() }).optional(),
});

export const StoredPlan = z.object({
  strategy: StrategyType,
  batches: z.array(StoredBatch),
  totalFailureBudget: z.number().optional(),
  minimumHealthy: z.number(),
  deploymentConfigName: z.string(),
  eventTimeoutMs: z.number(),
  offlineEventTimeoutMs: z.number(),
  ignoreApplicationStopFailures: z.boolean(),
  rollback: z.object({ onFailure: z.boolean(), onAlarm: z.boolean(), onStopRequest: z.boolean() }),
  environments: z.object({ original: z.string(), replacement: z.string() }).optional(),
}) satisfies z.ZodType<DeploymentPlan>;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const ms = (text: string | null): number | undefined => (text === null ? undefined : Date.parse(text));

interface ContextRow {
  id: string;
  status: DeploymentStatus;
  creator: DeploymentCreator;
  options: string;
  plan: string | null;
  error_code: string | null;
  error_message: string | null;
  wakeup_at: string | null;
  batch_index: number;
  bake_until: string | null;
  started_at: string | null;
  completed_at: string | null;
  application_name: string;
  group_name: string;
  group_id: string;
  sha256: string;
  size: number;
  bundle_type: 'tar' | 'tgz' | 'zip';
  source: string | null;
  signatures: string;
}

interface HostRow {
  host_id: string;
  name: string;
  position: number;
  status: InstanceStatus;
  healthy: number;
  online: number;
  offline_since: string | null;
}

interface EventRow {
  host_id: string;
  position: number;
  event_name: LifecycleEventName;
  command_id: string;
  status: LifecycleEventStatus;
  start_time: string | null;
  end_time: string | null;
  deadline_at: string | null;
  error_code: EventDiagnostics['errorCode'] | null;
  script_name: string | null;
  message: string | null;
  log_tail: string | null;
}

export class DeploymentProgressStore {
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      context: db.prepare<[string], ContextRow>(
        `SELECT d.id, d.status, d.creator, d.options, d.plan, d.error_code, d.error_message, d.wakeup_at, d.batch_index, d.bake_until, d.started_at,
                d.completed_at, a.name AS application_name, g.name AS group_name, g.id AS group_id, r.sha256, r.size, r.bundle_type,
                r.source, r.signatures
         FROM deployments d JOIN applications a ON a.id = d.application_id JOIN deployment_groups g ON g.id = d.group_id
         JOIN revisions r ON r.id = d.revision_id WHERE d.id = ?`,
      ),
      hosts: db.prepare<[string], HostRow>(
        `SELECT dh.host_id, h.name, dh.position, dh.status, dh.healthy, dh.online, dh.offline_since
         FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id WHERE dh.deployment_id = ? ORDER BY dh.position`,
      ),
      events: db.prepare<[string], EventRow>('SELECT * FROM lifecycle_events WHERE deployment_id = ? ORDER BY host_id, position'),
      updateDeployment: db.prepare(
        `UPDATE deployments SET status = ?, plan = ?, error_code = ?, error_message = ?, wakeup_at = ?, batch_index = ?, bake_until = ?,
           started_at = ?, completed_at = ? WHERE id = ?`,
      ),
      // Numbered in the order they start (see migration 013): the first save of a deployment is its start.
      numberStart: db.prepare(
        'UPDATE deployments SET start_seq = (SELECT COALESCE(MAX(start_seq), 0) + 1 FROM deployments) WHERE id = ? AND start_seq IS NULL',
      ),
      upsertHost: db.prepare(
        `INSERT INTO deployment_hosts (deployment_id, host_id, position, status, healthy, online, offline_since)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id, host_id) DO UPDATE SET status = excluded.status, healthy = excluded.healthy,
           online = excluded.online, offline_since = excluded.offline_since`,
      ),
      upsertEvent: db.prepare(
        `INSERT INTO lifecycle_events (deployment_id, host_id, position, event_name, command_id, status, start_time, end_time,
           deadline_at, error_code, script_name, message, log_tail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id, host_id, event_name) DO UPDATE SET status = excluded.status,
           start_time = excluded.start_time, end_time = excluded.end_time, deadline_at = excluded.deadline_at,
           error_code = excluded.error_code, script_name = excluded.script_name, message = excluded.message,
           log_tail = excluded.log_tail`,
      ),
      insertOutbox: db.prepare(
        'INSERT OR REPLACE INTO outbox (command_id, deployment_id, host_id, payload, created_at, target) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteOutbox: db.prepare('DELETE FROM outbox WHERE command_id = ?'),
      outboxForHost: db.prepare<[string], { payload: string }>(`SELECT payload FROM outbox WHERE host_id = ? AND target = 'agent' ORDER BY rowid`),
      // Rowid order is decision order: a split replaced by a newer one of its deployment takes a new rowid.
      routerOutbox: db.prepare<[], { deployment_id: string; payload: string }>(`SELECT deployment_id, payload FROM outbox WHERE target = 'router' ORDER BY rowid`),
      settleSplit: db.prepare('DELETE FROM outbox WHERE command_id = ? AND payload = ?'),
    };
  }

  /** The context agents receive for a deployment (its application, group, revision and options). */
  loadContext(deploymentId: string): DeploymentContext | undefined {
    const row = this.statements.context.get(deploymentId);
    return row && toContext(row);
  }

  /** The engine state of a started deployment, or undefined when it never started. */
  load(deploymentId: string): DeploymentState | undefined {
    const row = this.statements.context.get(deploymentId);
    if (!row || row.plan === null || row.started_at === null) return undefined;
    const eventsByHost = new Map<string, EventProgress[]>();
    for (const event of this.statements.events.all(deploymentId)) {
      const list = eventsByHost.get(event.host_id) ?? [];
      list.push(toEvent(event));
      eventsByHost.set(event.host_id, list);
    }
    const hosts = this.statements.hosts.all(deploymentId).map(
      (host): HostProgress => ({
        hostId: host.host_id,
        name: host.name,
        position: host.position,
        status: host.status,
        healthy: host.healthy === 1,
        online: host.online === 1,
        ...(host.offline_since === null ? {} : { offlineSince: ms(host.offline_since)! }),
        events: eventsByHost.get(host.host_id) ?? [],
      }),
    );
    return {
      deploymentId,
      status: row.status,
      context: toContext(row),
      plan: parseStoredJson(StoredPlan, row.plan, `plan of deployment ${deploymentId}`),
      hosts,
      batchIndex: row.batch_index,
      ...(row.bake_until === null ? {} : { bakeUntil: ms(row.bake_until)! }),
      ...(row.error_code === null ? {} : { errorInformation: { code: row.error_code as never, message: row.error_message ?? '' } }),
      startedAt: ms(row.started_at)!,
      ...(row.completed_at === null ? {} : { completedAt: ms(row.completed_at)! }),
      ...(row.wakeup_at === null ? {} : { wakeupAt: ms(row.wakeup_at)! }),
    };
  }

  /**
   * Writes what a step changed, and the commands it decided, in ONE transaction: after a crash either both
   * the new state and its outbox are there, or neither. Without `previous` it is the deployment's start, which
   * also takes the next number of the start order.
   */
  save(previous: DeploymentState | undefined, next: DeploymentState, commands: readonly Command[], now: number): void {
    this.db.transaction(() => {
      const s = this.statements;
      s.updateDeployment.run(
        next.status,
        JSON.stringify(next.plan),
        next.errorInformation?.code ?? null,
        next.errorInformation?.message ?? null,
        iso(next.wakeupAt),
        next.batchIndex,
        iso(next.bakeUntil),
        iso(next.startedAt),
        iso(next.completedAt),
        next.deploymentId,
      );
      if (previous === undefined) s.numberStart.run(next.deploymentId);
      next.hosts.forEach((host, hostIndex) => {
        const before = previous?.hosts[hostIndex];
        if (before === host) return;
        s.upsertHost.run(next.deploymentId, host.hostId, host.position, host.status, host.healthy ? 1 : 0, host.online ? 1 : 0, iso(host.offlineSince));
        host.events.forEach((event, eventIndex) => {
          const eventBefore = before?.events[eventIndex];
          if (eventBefore === event) return;
          s.upsertEvent.run(
            next.deploymentId,
            host.hostId,
            eventIndex,
            event.name,
            event.commandId,
            event.status,
            iso(event.startTime),
            iso(event.endTime),
            iso(event.deadlineAt),
            event.diagnostics?.errorCode ?? null,
            event.diagnostics?.scriptName ?? null,
            event.diagnostics?.message ?? null,
            event.diagnostics?.logTail ?? null,
          );
          // The command is settled once its event is no longer in progress: stop redelivering it.
          if (eventBefore?.status === 'InProgress' && event.status !== 'InProgress') s.deleteOutbox.run(event.commandId);
        });
      });
      const at = new Date(now).toISOString();
      for (const command of commands) {
        if (command.type === 'SEND_TO_HOST') {
          s.insertOutbox.run(command.message.commandId, next.deploymentId, command.hostId, JSON.stringify(command.message), at, 'agent');
        } else if (command.type === 'ROUTE_TRAFFIC') {
          s.insertOutbox.run(command.commandId, next.deploymentId, command.hostId, JSON.stringify(command), at, 'router');
        } else if (command.type === 'SET_TRAFFIC_SPLIT') {
          // Only a deployment's latest split matters: it replaces an older one not yet carried out, so a replay
          // can never set canary weights over the restore that followed them. A split concerns no one host.
          s.insertOutbox.run(splitCommandId(next.deploymentId), next.deploymentId, '', JSON.stringify(command), at, 'router');
        }
      }
    })();
  }

  /**
   * Traffic changes decided but not yet known to be done, in the order they were decided: carried out again
   * after a restart (they are idempotent). A ROUTE_TRAFFIC row leaves with its event's result; a split leaves
   * through `settleSplit`.
   */
  routerOutbox(): { deploymentId: string; command: RouterCommand }[] {
    // Written by `save` from the engine's own commands: the payload's shape is known.
    return this.statements.routerOutbox.all().map((row) => ({ deploymentId: row.deployment_id, command: JSON.parse(row.payload) as RouterCommand }));
  }

  /**
   * The router has answered `split` (done, or refused and the engine told): its row leaves the outbox, unless
   * a newer split of the deployment has replaced it meanwhile — that one still waits for its own answer (an
   * identical newer split asks for the very state the router has just reached).
   */
  settleSplit(deploymentId: string, split: SplitCommand): void {
    this.statements.settleSplit.run(splitCommandId(deploymentId), JSON.stringify(split));
  }

  /** Commands a host has not yet answered, in the order they were decided: redelivered on every connect. */
  outboxFor(hostId: string): unknown[] {
    return this.statements.outboxForHost.all(hostId).map((row) => JSON.parse(row.payload) as unknown);
  }
}

type SplitCommand = Extract<Command, { type: 'SET_TRAFFIC_SPLIT' }>;
export type RouterCommand = Extract<Command, { type: 'ROUTE_TRAFFIC' }> | SplitCommand;

/** The outbox key of a deployment's split: one per deployment, so a newer split replaces an older one. */
const splitCommandId = (deploymentId: string) => `${deploymentId}.traffic-split`;

function toContext(row: ContextRow): DeploymentContext {
  const options = parseStoredJson(DeploymentOptions, row.options, `options of deployment ${row.id}`);
  return {
    deploymentId: row.id,
    applicationName: row.application_name,
    deploymentGroupName: row.group_name,
    deploymentGroupId: row.group_id,
    creator: row.creator,
    revision: toContextRevision(row),
    ...(options.fileExistsBehavior ? { fileExistsBehavior: options.fileExistsBehavior } : {}),
    ignoreApplicationStopFailures: options.ignoreApplicationStopFailures,
    // Tells the agent which revision's scripts the traffic hooks take (the reference's rollback column).
    ...(options.reroute ? { blueGreenRollback: true } : {}),
  };
}

function toEvent(row: EventRow): EventProgress {
  return {
    name: row.event_name,
    commandId: row.command_id,
    status: row.status,
    ...(row.start_time === null ? {} : { startTime: ms(row.start_time)! }),
    ...(row.end_time === null ? {} : { endTime: ms(row.end_time)! }),
    ...(row.deadline_at === null ? {} : { deadlineAt: ms(row.deadline_at)! }),
    ...diagnosticsOf(row),
  };
}
