/**
 * The shell around the pure engine. For each event it loads the deployment's state (kept in memory while the
 * deployment is active, reloaded from SQLite after a restart), steps, commits the new state and the decided
 * commands in one transaction, then carries the commands out. Everything runs on the event loop's one thread,
 * so steps never interleave.
 */
import {
  DeploymentErrorCode,
  DeploymentStatus,
  Strategy,
  isTerminalDeploymentStatus,
  isTerminalInstanceStatus,
  ok,
  rollbackDeploymentConfig,
  type CoordinatorMessage,
  type DeploymentConfig,
  type EventResult,
  type Result,
} from '@baton/shared';
import type { Logger } from 'pino';
import { startDeployment, step, type Command, type DeploymentState, type EngineEvent, type HostCandidate } from '../engine/index.js';
import type { Database } from '../store/database.js';
import { DeploymentProgressStore, type RouterCommand } from '../store/deployment-progress.js';
import {
  finishWaitingDeployment,
  getDeployment,
  hasActiveDeployment,
  insertDeployment,
  lastSuccessfulDeployment,
  listActiveDeploymentIds,
  listGroupsWithWaitingDeployments,
  nextWaitingDeployment,
  queueCreatedDeployments,
  setRollbackInfo,
  type DeploymentRecord,
  type InsertRefusal,
  type NewDeployment,
} from '../store/deployments.js';
import { readLiveEnvironment } from '../store/deployment-plans.js';
import { hostHistoryInGroup } from '../store/host-history.js';
import { getDeploymentGroup, listHostsForGroup, type DeploymentGroup } from '../store/deployment-groups.js';
import { getHost } from '../store/hosts.js';
import { createTrafficRouter } from '../traffic/create-router.js';
import type { TrafficRouter } from '../traffic/traffic-router.js';
import { DeploymentFeed, describeChanges, describeStatusChange } from './deployment-feed.js';
import { DeploymentWatch } from './deployment-watch.js';
import { outdatedUpdatesFor } from './outdated-instances.js';
import { routeTraffic, splitTraffic, type RouterFactory } from './traffic-driver.js';
import { WakeupTimers } from './wakeup-timers.js';

/** How the runner reaches agents: the WebSocket gateway in production. */
export interface HostMessenger {
  send(hostId: string, message: CoordinatorMessage): boolean;
  isConnected(hostId: string): boolean;
}

export interface RunnerOptions {
  readonly eventTimeoutMs: number;
  readonly offlineEventTimeoutMs: number;
  /** How a group's traffic router is reached; HAProxy's runtime API by default. */
  readonly routerFor?: RouterFactory;
}

/** A rollback deploys in place with the group's configuration, whatever the failed deployment's strategy. */
const ROLLBACK_STRATEGY = Strategy.parse({ type: 'inPlace' });

export type StopOutcome = 'stopped' | 'already-finished' | 'not-found';
export type ApproveOutcome = 'approved' | 'not-waiting' | 'not-found';
/** What recording a rollback did: created one, found nothing to roll back to, or was refused (group deleted). */
type RecordedRollback =
  | { readonly outcome: 'created'; readonly deploymentId: string; readonly rollbackId: string; readonly groupId: string; readonly kind: 'redeploy' | 'reroute' }
  | { readonly outcome: 'nothing'; readonly deploymentId: string }
  | { readonly outcome: 'refused' };

export type RollbackOutcome = 'started' | 'nothing-to-undo' | 'group-deleted' | 'not-found';

export class EngineRunner {
  readonly watch = new DeploymentWatch();
  /** Every committed change, for the events API, the dashboard, webhooks and metrics. */
  readonly feed: DeploymentFeed;
  private readonly active = new Map<string, DeploymentState>();
  /** Hosts restarting into a new agent version (see holdForUpgrade). */
  private readonly upgrading = new Set<string>();
  private readonly timers = new WakeupTimers();
  private readonly progress: DeploymentProgressStore;
  /** Per group, the last traffic split queued for its router (see carryOutSplit). */
  private readonly splitQueues = new Map<string, Promise<void>>();
  /**
   * Once closed, router calls still in flight are not followed up (the database may be closed): what they
   * would have settled stays in the outbox, and the next start carries it out again.
   */
  private closed = false;
  /** Until then, a waiting deployment waits for hosts still reconnecting after `recover` (see awaitsReconnects). */
  private reconnectGraceEnd = 0;
  private reconnectGraceOver = true;
  private reconnectGraceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly messenger: HostMessenger,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.progress = new DeploymentProgressStore(db);
    this.feed = new DeploymentFeed((error, change) =>
      this.logger.error({ err: error, deploymentId: change.deploymentId, change: change.type }, 'deployment feed listener failed'),
    );
  }

  /**
   * Picks up after a restart: reloads active deployments, tells the engine which hosts are not connected
   * (yet), re-arms wake-ups, and starts deployments that were waiting (once their hosts are back: see
   * awaitsReconnects).
   */
  recover(): void {
    this.reconnectGraceEnd = this.clock() + this.options.offlineEventTimeoutMs;
    this.reconnectGraceOver = false;
    for (const id of listActiveDeploymentIds(this.db)) {
      const state = this.progress.load(id);
      if (!state) continue;
      this.active.set(id, state);
      if (state.wakeupAt !== undefined) this.armWakeup(id, state.wakeupAt);
      for (const host of state.hosts) {
        if (!this.messenger.isConnected(host.hostId)) this.dispatch(id, { type: 'HOST_CONNECTIVITY', hostId: host.hostId, online: false });
      }
      this.logger.info({ deploymentId: id }, 'resumed deployment after restart');
    }
    this.replayRouterOutbox();
    for (const groupId of listGroupsWithWaitingDeployments(this.db)) this.startNext(groupId);
  }

  /**
   * Traffic changes decided before the restart but not known to be done: done (again; they are idempotent), in
   * the order they were decided. A split is replayed for an ended deployment too: the restore of normal
   * weights comes with a deployment's last step.
   */
  private replayRouterOutbox(): void {
    for (const { deploymentId, command } of this.progress.routerOutbox()) {
      if (command.type === 'ROUTE_TRAFFIC') {
        const state = this.active.get(deploymentId);
        if (state) this.carryOutRoute(state, command);
      } else {
        const state = this.active.get(deploymentId) ?? this.progress.load(deploymentId);
        if (state) this.carryOutSplit(state, command);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.timers.clearAll();
    clearTimeout(this.reconnectGraceTimer);
  }

  /** Creates a deployment; it starts at once when its group is idle, else it is queued. A deleted group refuses it. */
  create(input: NewDeployment): Result<DeploymentRecord, InsertRefusal> {
    const record = insertDeployment(this.db, input, new Date(this.clock()));
    if (!record.ok) return record;
    this.startNext(input.groupId);
    return ok(getDeployment(this.db, record.value.id)!);
  }

  stop(deploymentId: string, rollback: boolean): StopOutcome {
    const record = getDeployment(this.db, deploymentId);
    if (!record) return 'not-found';
    if (isTerminalDeploymentStatus(record.status)) return 'already-finished';
    if (this.active.has(deploymentId)) {
      this.dispatch(deploymentId, { type: 'STOP', rollback });
      return 'stopped';
    }
    const stopped = finishWaitingDeployment(
      this.db,
      deploymentId,
      DeploymentStatus.Stopped,
      { code: DeploymentErrorCode.MANUAL_STOP, message: 'The deployment was stopped by a user before it started.' },
      new Date(this.clock()),
    );
    if (stopped) this.announce(deploymentId);
    return stopped ? 'stopped' : 'already-finished';
  }

  /**
   * A manual rollback: a running deployment stops and rolls back; a finished one is undone by a rollback
   * deployment (a reroute for blue/green once traffic moved, else a redeploy of the previous good revision),
   * unless its group was deleted since: nothing is deployed to a deleted group.
   */
  rollback(deploymentId: string): RollbackOutcome {
    if (this.active.has(deploymentId)) {
      this.dispatch(deploymentId, { type: 'STOP', rollback: true, message: 'Rolled back by a user.' });
      return 'started';
    }
    const state = this.progress.load(deploymentId);
    if (!state) return getDeployment(this.db, deploymentId) ? 'nothing-to-undo' : 'not-found';
    if (state.context.creator === 'rollback' || getDeployment(this.db, deploymentId)?.rollbackInfo?.rollbackDeploymentId) return 'nothing-to-undo';
    const received = state.hosts.filter((h) => h.events.some((e) => e.status !== 'Pending' && e.status !== 'Skipped')).map((h) => h.hostId);
    if (received.length === 0) return 'nothing-to-undo';
    const moved = state.plan.batches.some((batch) => batch.trafficShift);
    const kind = state.plan.strategy === 'blueGreen' && moved ? 'reroute' : 'redeploy';
    const recorded = this.db.transaction(() =>
      this.recordRollback(state, kind === 'reroute' ? state.hosts.map((h) => h.hostId) : received, 'requested by a user', kind),
    )();
    this.rollbackRecorded(recorded);
    return recorded.outcome === 'refused' ? 'group-deleted' : 'started';
  }

  /**
   * Lets a deployment waiting for a person (`Ready`) go on: `promote` after a canary, `continue` after a
   * blue/green environment is ready.
   */
  approve(deploymentId: string, approval: 'promote' | 'continue'): ApproveOutcome {
    const state = this.active.get(deploymentId);
    if (!state) return getDeployment(this.db, deploymentId) ? 'not-waiting' : 'not-found';
    if (state.status !== DeploymentStatus.Ready || state.plan.batches[state.batchIndex]?.approval !== approval) return 'not-waiting';
    this.dispatch(deploymentId, { type: 'APPROVE', approval });
    return 'approved';
  }

  /** An alarm of the group fired: every active deployment of the group stops (`ALARM_ACTIVE`). */
  onAlarm(groupId: string, name: string, message: string): void {
    // A snapshot: a rollback the alarm starts joins `active` during the loop and must not be stopped by it.
    for (const [id, state] of [...this.active]) {
      if (state.context.deploymentGroupId === groupId) this.dispatch(id, { type: 'ALARM', name, message });
    }
  }

  /**
   * A health check of deployment `deploymentId` failed on a host: that deployment counts the host as failed. Only
   * that one: the checks are its group's, and another deployment on the same host (another application) has its own.
   */
  onHostUnhealthy(deploymentId: string, hostId: string, message: string): void {
    // An ended deployment is not dispatched to, and the engine ignores a host that is not the deployment's.
    this.dispatch(deploymentId, { type: 'HOST_UNHEALTHY', hostId, message });
  }

  /** The active deployments, for watchers such as the alarm evaluator. */
  activeDeployments(): readonly DeploymentState[] {
    return [...this.active.values()];
  }

  /**
   * An agent's event result. Returns false when the command is not this host's (a host may only report on its
   * own commands); true when the result is recorded or was already known, so the agent may forget it.
   */
  onEventResult(hostId: string, result: EventResult): boolean {
    const [deploymentId, commandHostId] = result.commandId.split('.');
    if (!deploymentId || commandHostId !== hostId) return false;
    const event: EngineEvent = {
      type: 'EVENT_RESULT',
      commandId: result.commandId,
      status: result.status,
      startTime: Date.parse(result.startTime),
      endTime: Date.parse(result.endTime),
      diagnostics: result.diagnostics,
    };
    if (this.active.has(deploymentId)) {
      this.dispatch(deploymentId, event);
      return true;
    }
    // A late result for a finished deployment is still recorded on its event row.
    const finished = this.progress.load(deploymentId);
    if (finished) {
      const now = this.clock();
      const { state } = step(finished, event, now);
      if (state !== finished) {
        this.progress.save(finished, state, [], now);
        this.watch.notify(deploymentId);
        this.feed.publish(describeChanges(finished, state, now));
      }
    }
    return true;
  }

  onHostConnectivity(hostId: string, online: boolean): void {
    // A host restarting into a new agent version is not offline to the engine; any return ends that hold.
    if (online) this.upgrading.delete(hostId);
    else if (this.upgrading.has(hostId)) return;
    // Over a copy: a step may start a rollback, which joins `active` and must not get this event too.
    for (const [id, state] of [...this.active]) {
      if (state.hosts.some((host) => host.hostId === hostId)) this.dispatch(id, { type: 'HOST_CONNECTIVITY', hostId, online });
    }
    if (!online) return;
    this.redeliver(hostId);
    this.updateOutdatedHost(hostId);
    if (!this.reconnectGraceOver) for (const groupId of listGroupsWithWaitingDeployments(this.db)) this.startNext(groupId);
  }

  /** Redelivers what the host has not answered: it drops commands it already ran and resends their results. */
  private redeliver(hostId: string): void {
    for (const message of this.progress.outboxFor(hostId)) this.messenger.send(hostId, message as CoordinatorMessage);
  }

  /**
   * Whether the host has lifecycle work: a command it has not answered, events still to run in an active
   * deployment, or a deployment waiting to start in one of its groups. An agent upgrade waits for none.
   */
  hasLifecycleWork(hostId: string): boolean {
    if (this.progress.outboxFor(hostId).length > 0) return true;
    for (const state of this.active.values()) {
      const host = state.hosts.find((candidate) => candidate.hostId === hostId);
      if (host && !isTerminalInstanceStatus(host.status)) return true;
    }
    return listGroupsWithWaitingDeployments(this.db).some((groupId) => {
      const group = getDeploymentGroup(this.db, groupId);
      return group !== undefined && listHostsForGroup(this.db, group).some((host) => host.id === hostId);
    });
  }

  /**
   * The host is about to restart into a new agent version: like a short offline that fails nothing. It stays
   * a candidate for new deployments, its disconnect is not reported to the engine, and commands for it wait in
   * the outbox; its return (any hello) or `releaseFromUpgrade` ends the hold.
   */
  holdForUpgrade(hostId: string): void {
    this.upgrading.add(hostId);
  }

  /** The upgrade ended without a restart (refused, failed) or the host never came back: the hold ends now. */
  releaseFromUpgrade(hostId: string): void {
    if (!this.upgrading.delete(hostId)) return;
    if (this.messenger.isConnected(hostId)) this.redeliver(hostId);
    else this.onHostConnectivity(hostId, false);
  }

  /** A new or returning host receives the last successful revision of each group it belongs to. */
  private updateOutdatedHost(hostId: string): void {
    const host = getHost(this.db, hostId);
    if (!host) return;
    for (const { group, revisionOf } of outdatedUpdatesFor(this.db, host)) {
      // Only live groups have outdated hosts, so a refusal here is a group deleted by this very turn: skip it.
      const update = this.create({
        applicationId: group.applicationId,
        groupId: group.id,
        revisionId: revisionOf.revisionId,
        creator: 'autoUpdate',
        options: {
          ...revisionOf.options,
          autoRollback: false,
          // One host: the group's strategy applies, not a batch plan made for a whole deployment.
          strategy: undefined,
          description: `${host.name} joined or came back: it receives the revision of ${revisionOf.id}, the group's last successful deployment`,
        },
        targetHostIds: [hostId],
      });
      if (update.ok) this.logger.info({ deploymentId: update.value.id, hostId, groupId: group.id }, 'updating an outdated host');
    }
  }

  private dispatch(deploymentId: string, event: EngineEvent): void {
    const previous = this.active.get(deploymentId);
    if (!previous) return;
    const now = this.clock();
    const { state, commands } = step(previous, event, now);
    if (state === previous && commands.length === 0) return;
    const rollbacks = this.commit(previous, state, commands, now);
    this.afterCommit(previous, state, commands, rollbacks);
  }

  /**
   * Saves a step and, in the same transaction, the rollback deployments it asks for: a crash right after a
   * failure can never leave the failed deployment without the rollback it decided.
   */
  private commit(previous: DeploymentState | undefined, state: DeploymentState, commands: readonly Command[], now: number): RecordedRollback[] {
    return this.db.transaction(() => {
      this.progress.save(previous, state, commands, now);
      return commands.flatMap((command) =>
        command.type === 'START_ROLLBACK' ? [this.recordRollback(state, command.hostIds, command.reason, command.kind)] : [],
      );
    })();
  }

  /**
   * Carries out committed commands. Runs only after the transaction that recorded them; `rollbacks` are the
   * rollback deployments that transaction created, one per START_ROLLBACK, in order.
   */
  private afterCommit(
    previous: DeploymentState | undefined,
    state: DeploymentState,
    commands: readonly Command[],
    rollbacks: readonly RecordedRollback[],
  ): void {
    const pendingRollbacks = [...rollbacks];
    const id = state.deploymentId;
    const finished = isTerminalDeploymentStatus(state.status);
    if (finished) this.active.delete(id);
    else this.active.set(id, state);
    this.watch.notify(id);
    this.feed.publish(describeChanges(previous, state, this.clock()));

    for (const command of commands) {
      switch (command.type) {
        case 'SEND_TO_HOST':
          // To a host restarting for an upgrade, the outbox delivers it on its return.
          if (!this.upgrading.has(command.hostId)) this.messenger.send(command.hostId, command.message);
          break;
        case 'SCHEDULE_WAKEUP':
          this.armWakeup(id, command.at);
          break;
        case 'RECORD_EVENT':
          this.logger[command.level]({ deploymentId: id, hostId: command.hostId, event: command.event }, command.message);
          break;
        case 'START_ROLLBACK':
          this.rollbackRecorded(pendingRollbacks.shift()!);
          break;
        case 'ROUTE_TRAFFIC':
          this.carryOutRoute(state, command);
          break;
        case 'SET_TRAFFIC_SPLIT':
          this.carryOutSplit(state, command);
          break;
      }
    }
    if (finished && (previous === undefined || !isTerminalDeploymentStatus(previous.status))) {
      this.timers.clear(id);
      this.startNext(state.context.deploymentGroupId);
    }
  }

  /** BlockTraffic / AllowTraffic; its outcome returns as the event's result, which also settles its outbox row. */
  private carryOutRoute(state: DeploymentState, command: Extract<RouterCommand, { type: 'ROUTE_TRAFFIC' }>): void {
    void routeTraffic(this.routerOf(state), state, command, this.clock).then((event) => {
      if (!this.closed) this.dispatch(state.deploymentId, event);
    });
  }

  /**
   * Applies a split once every split queued before it for the same group is answered, whichever deployment
   * decided it: calls to one router must not interleave, or an older weight set could land after the restore
   * that follows it. Once the router has answered, the split leaves the outbox: done, or refused and reported
   * to the engine as TRAFFIC_FAILED — settled after that step, so that a restore it decides keeps its row.
   */
  private carryOutSplit(state: DeploymentState, command: Extract<RouterCommand, { type: 'SET_TRAFFIC_SPLIT' }>): void {
    const groupId = state.context.deploymentGroupId;
    const queued = (this.splitQueues.get(groupId) ?? Promise.resolve()).then(async () => {
      if (this.closed) return;
      const failure = await splitTraffic(this.routerOf(state), state, command);
      if (this.closed) return;
      if (failure && this.active.has(state.deploymentId)) this.dispatch(state.deploymentId, failure);
      else if (failure) this.logger.error({ deploymentId: state.deploymentId }, `traffic split after the deployment ended failed: ${failure.message}`);
      this.progress.settleSplit(state.deploymentId, command);
    });
    this.splitQueues.set(groupId, queued);
  }

  /** The traffic router of the deployment's group, if it has one. */
  private routerOf(state: DeploymentState): TrafficRouter | undefined {
    const spec = getDeploymentGroup(this.db, state.context.deploymentGroupId)?.trafficRouter;
    return spec ? (this.options.routerFor ?? createTrafficRouter)(spec) : undefined;
  }

  /**
   * Arms the deployment's wake-up. A timer may fire before `at` by this runner's clock (timers and the clock are
   * different clocks); the engine then finds nothing due and asks for nothing new, so the wake-up it still wants
   * is armed again here rather than lost.
   */
  private armWakeup(deploymentId: string, at: number): void {
    this.timers.arm(deploymentId, at - this.clock(), () => {
      this.dispatch(deploymentId, { type: 'WAKEUP' });
      const wanted = this.active.get(deploymentId)?.wakeupAt;
      if (wanted !== undefined && !this.timers.isArmed(deploymentId)) this.armWakeup(deploymentId, wanted);
    });
  }

  /**
   * What a deployment to the group would do if it started now — its batches, traffic steps and hosts — or why
   * it could not start, without doing anything: the engine plans a deployment that is never saved.
   */
  preview(groupId: string): DeploymentState | undefined {
    const group = getDeploymentGroup(this.db, groupId);
    if (!group) return undefined;
    const { state } = startDeployment(
      {
        context: {
          deploymentId: 'preview',
          applicationName: '',
          deploymentGroupName: group.name,
          deploymentGroupId: group.id,
          creator: 'user',
          revision: { sha256: '0'.repeat(64), size: 0, bundleType: 'tgz' },
          ignoreApplicationStopFailures: false,
        },
        deploymentConfig: group.deploymentConfig,
        candidates: this.candidatesFor(group.id, ''),
        strategy: group.strategy,
        withTrafficRouter: group.trafficRouter !== undefined,
        ...(group.strategy.type === 'blueGreen' ? { liveEnvironment: readLiveEnvironment(this.db, group.id) } : {}),
        eventTimeoutMs: this.options.eventTimeoutMs,
        offlineEventTimeoutMs: this.options.offlineEventTimeoutMs,
        rollback: { onFailure: group.autoRollback, onAlarm: false, onStopRequest: false },
      },
      this.clock(),
    );
    return state;
  }

  /** Starts the group's next waiting deployment when the group is idle; marks the others Queued. */
  private startNext(groupId: string): void {
    if (hasActiveDeployment(this.db, groupId)) {
      for (const queued of queueCreatedDeployments(this.db, groupId)) this.announce(queued);
      return;
    }
    const next = nextWaitingDeployment(this.db, groupId);
    const group = getDeploymentGroup(this.db, groupId);
    if (!next || !group) return;
    const candidates = this.candidatesFor(group.id, next.revisionId, next.targetHostIds);
    if (this.awaitsReconnects(candidates)) return;
    const context = this.progress.loadContext(next.id);
    if (!context) throw new Error(`deployment ${next.id} has no context (application, group or revision row missing)`);
    const now = this.clock();
    const redeploysForRollback = next.creator === 'rollback' && !next.options.reroute;
    const strategy = redeploysForRollback ? ROLLBACK_STRATEGY : strategyOf(next, group);
    const { state, commands } = startDeployment(
      {
        context,
        deploymentConfig: redeploysForRollback ? this.rollbackConfig(group, candidates) : group.deploymentConfig,
        candidates,
        strategy,
        withTrafficRouter: group.trafficRouter !== undefined,
        ...(next.options.reroute ? { reroute: next.options.reroute } : {}),
        ...(strategy.type === 'blueGreen' || next.options.reroute ? { liveEnvironment: readLiveEnvironment(this.db, group.id) } : {}),
        eventTimeoutMs: this.options.eventTimeoutMs,
        offlineEventTimeoutMs: this.options.offlineEventTimeoutMs,
        rollback: rollbackPolicy(group, next),
      },
      now,
    );
    const rollbacks = this.commit(undefined, state, commands, now);
    this.logger.info({ deploymentId: next.id, hosts: state.hosts.length }, 'deployment started');
    this.afterCommit(undefined, state, commands, rollbacks);
  }

  /** The group's configuration for a rollback over `targets` (see rollbackDeploymentConfig). */
  private rollbackConfig(group: DeploymentGroup, targets: readonly HostCandidate[]): DeploymentConfig {
    const groupHosts = listHostsForGroup(this.db, group);
    const targetIds = new Set(targets.map((target) => target.hostId));
    const untouched = groupHosts.filter((host) => !targetIds.has(host.id)).length;
    return rollbackDeploymentConfig(group.deploymentConfig, groupHosts.length, untouched);
  }

  /**
   * Right after this coordinator started (recovered), agents are still reconnecting: a deployment started now would count
   * them offline, hence unhealthy, and could fail at once (HEALTH_CONSTRAINTS_INVALID) for a mere restart. So
   * within the offline timeout of the start, a deployment waits until every host it targets is back; once that
   * time is up, waiting deployments start with the hosts there are.
   */
  private awaitsReconnects(candidates: readonly HostCandidate[]): boolean {
    if (this.reconnectGraceOver || candidates.every((candidate) => candidate.online)) return false;
    const left = this.reconnectGraceEnd - this.clock();
    if (left <= 0) {
      this.reconnectGraceOver = true;
      return false;
    }
    this.reconnectGraceTimer ??= setTimeout(() => {
      this.reconnectGraceOver = true;
      for (const groupId of listGroupsWithWaitingDeployments(this.db)) this.startNext(groupId);
    }, left);
    return true;
  }

  private candidatesFor(groupId: string, revisionId: string, targetHostIds?: readonly string[]): HostCandidate[] {
    const group = getDeploymentGroup(this.db, groupId)!;
    const hosts = targetHostIds ? targetHostIds.flatMap((id) => getHost(this.db, id) ?? []) : listHostsForGroup(this.db, group);
    const history = hostHistoryInGroup(this.db, groupId);
    return hosts.map((host) => {
      const last = history.get(host.id);
      return {
        hostId: host.id,
        name: host.name,
        tags: host.tags,
        online: this.messenger.isConnected(host.id) || this.upgrading.has(host.id),
        ...(last ? { lastOutcome: last.lastOutcome } : {}),
        revision: !last ? 'unknown' : last.revisionId === revisionId && last.lastOutcome === 'succeeded' ? 'current' : 'old',
      };
    });
  }

  /**
   * A rollback is a new deployment linked both ways to the one it undoes: a redeploy of the group's last
   * successful revision, or — for blue/green once traffic moved — a reroute of traffic back to the original
   * environment, which installs nothing. Only writes to the store: callers run it inside the transaction of
   * the step that decided it (or their own), then call `rollbackRecorded`. `refused`, with nothing recorded, when
   * the group is deleted.
   */
  private recordRollback(failed: DeploymentState, hostIds: readonly string[], reason: string, kind: 'redeploy' | 'reroute'): RecordedRollback {
    const record = getDeployment(this.db, failed.deploymentId);
    if (!record) return { outcome: 'nothing', deploymentId: failed.deploymentId };
    const last = lastSuccessfulDeployment(this.db, record.groupId, record.id);
    const environments = failed.plan.environments;
    if (kind === 'redeploy' && !last) {
      setRollbackInfo(this.db, record.id, { rollbackMessage: 'No previous successful revision in this group: nothing to roll back to.' });
      return { outcome: 'nothing', deploymentId: record.id };
    }
    const inserted = insertDeployment(
      this.db,
      {
        applicationId: record.applicationId,
        groupId: record.groupId,
        // A reroute installs nothing; it records the revision the original environment runs, when Baton knows it.
        revisionId: last?.revisionId ?? record.revisionId,
        creator: 'rollback',
        // The failed revision's ApplicationStop may be what is broken: it must not block the way back.
        options: {
          ...record.options,
          ignoreApplicationStopFailures: true,
          autoRollback: false,
          ...(kind === 'reroute' && environments ? { reroute: { original: environments.original, replacement: environments.replacement } } : {}),
        },
        targetHostIds: hostIds,
        rollbackInfo: { rollbackTriggeringDeploymentId: record.id },
      },
      new Date(this.clock()),
    );
    if (!inserted.ok) return { outcome: 'refused' };
    const rollback = inserted.value;
    const what =
      kind === 'reroute' && environments
        ? `moving traffic back to ${environments.original}`
        : `redeploying the revision of ${last!.id} to ${hostIds.length} host(s)`;
    setRollbackInfo(this.db, record.id, { rollbackDeploymentId: rollback.id, rollbackMessage: `Rollback ${rollback.id} started, ${what}: ${reason}` });
    return { outcome: 'created', deploymentId: record.id, rollbackId: rollback.id, groupId: record.groupId, kind };
  }

  /** After the transaction that recorded a rollback: tell watchers, and start it when its group is free. */
  private rollbackRecorded(recorded: RecordedRollback): void {
    if (recorded.outcome === 'refused') return;
    this.watch.notify(recorded.deploymentId);
    if (recorded.outcome === 'nothing') return;
    this.logger.warn({ deploymentId: recorded.deploymentId, rollbackDeploymentId: recorded.rollbackId, kind: recorded.kind }, 'starting rollback');
    this.startNext(recorded.groupId);
  }

  /**
   * Tells watchers and the feed about a status change made in the store outside a step: a deployment queued,
   * stopped before it started, or failed when it was created (its revision could not be resolved).
   */
  announce(deploymentId: string): void {
    this.watch.notify(deploymentId);
    const record = getDeployment(this.db, deploymentId);
    const context = this.progress.loadContext(deploymentId);
    if (!record || !context) return;
    const errorInformation = record.errorCode ? { code: record.errorCode as DeploymentErrorCode, message: record.errorMessage ?? '' } : undefined;
    this.feed.publish([describeStatusChange(context, this.clock(), { status: record.status, errorInformation })]);
  }
}

/** Which endings roll back: failure as decided when the deployment was created, alarms and stops per the group. */
function rollbackPolicy(group: DeploymentGroup, record: DeploymentRecord) {
  return {
    onFailure: record.options.autoRollback,
    onAlarm: group.autoRollbackEvents.includes('DEPLOYMENT_STOP_ON_ALARM'),
    onStopRequest: group.autoRollbackEvents.includes('DEPLOYMENT_STOP_ON_REQUEST'),
  };
}

/** A deployment's own strategy (validated when it was created) or its group's. */
const strategyOf = (record: DeploymentRecord, group: DeploymentGroup) =>
  record.options.strategy ? Strategy.parse(record.options.strategy) : group.strategy;
