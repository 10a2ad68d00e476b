/**
 * Sends a group's webhooks. As a feed listener it only writes delivery rows (quick, synchronous, after the
 * runner's commit) and wakes itself on a later turn; the HTTP calls happen off the runner's path, a few at a
 * time, each with its own timeout. Rows make it durable: `start` after a restart sends what is due, and retries
 * wait in the rows, not in memory.
 */
import type { Logger } from 'pino';
import type { DeploymentChange } from '../runner/deployment-feed.js';
import type { Database } from '../store/database.js';
import type { SecretsKey } from '../variables/secrets-key.js';
import {
  claimDueDeliveries,
  enqueueDelivery,
  nextDeliveryDueAt,
  pruneDeliveries,
  recordDeliveryFailure,
  recordDeliverySuccess,
  type DueDelivery,
} from './delivery-store.js';
import { postWebhook } from './post-webhook.js';
import { nextDeliveryDelay, type RetryPolicy } from './retry-policy.js';
import { toNotice, triggerEventsFor } from './trigger-events.js';
import { openTriggerSecret } from './trigger-secret-box.js';
import { listTriggers } from './trigger-store.js';
import { formatWebhookBody, type NoticeError } from './webhook-body.js';

export interface WebhookOptions {
  readonly retry: RetryPolicy;
  /** The limit of one attempt, connection and answer included. */
  readonly timeoutMs: number;
  /** Attempts in flight at once. */
  readonly concurrency?: number;
  /** Finished deliveries older than this leave the log (`--log-retention`, like hook output); 30 days by default. */
  readonly retentionMs?: number;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
/** A claimed delivery's lease outlasts its attempt's timeout by this much. */
const LEASE_MARGIN_MS = 5000;
/** The longest a timer sleeps before looking again (setTimeout's own limit is about 24 days). */
const MAX_SLEEP_MS = 3_600_000;

export interface DispatcherHooks {
  /** Every failed attempt (the metric of webhook failures). */
  readonly onAttemptFailed?: () => void;
}

export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  /** The last failed lifecycle event of each host, kept until the host's next status change. */
  private readonly hostErrors = new Map<string, NoticeError>();
  private timer: NodeJS.Timeout | undefined;
  private wakeQueued = false;
  private running = false;
  private lastPrunedAt = 0;

  constructor(
    private readonly db: Database,
    /** Opens the triggers' secrets, only to sign what is sent. */
    private readonly key: SecretsKey,
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
    private readonly hooks: DispatcherHooks = {},
    private readonly clock: () => Date = () => new Date(),
    private readonly random: () => number = Math.random,
  ) {}

  /** Sends what is due, including deliveries a previous run left pending. */
  start(): void {
    this.running = true;
    this.pump();
  }

  /** Cancels attempts in flight (their leases keep them due for the next start) and waits for them to end. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.cancel.abort();
    await Promise.all(this.inFlight);
  }

  /** The feed listener. */
  onChange(change: DeploymentChange): void {
    if (change.type === 'lifecycle-event') {
      if (change.status === 'Failed' && change.diagnostics) {
        const { errorCode, message } = change.diagnostics;
        this.hostErrors.set(hostKey(change), { code: errorCode, message, lifecycleEvent: change.event });
      }
      return;
    }
    if (change.type !== 'deployment' && change.type !== 'instance') return;
    const hostError = change.type === 'instance' ? this.takeHostError(change) : undefined;
    const events = triggerEventsFor(change);
    if (events.length === 0) return;
    const triggers = listTriggers(this.db, change.groupId);
    let enqueued = false;
    for (const event of events) {
      const notice = toNotice(change, event, hostError);
      for (const trigger of triggers.filter((candidate) => candidate.events.includes(event))) {
        const body = formatWebhookBody(notice, trigger.format, trigger.name);
        enqueueDelivery(this.db, { triggerId: trigger.id, event, deploymentId: change.deploymentId, body }, this.clock());
        enqueued = true;
      }
    }
    if (enqueued) this.wakeSoon();
  }

  private takeHostError(change: { deploymentId: string; hostId: string }): NoticeError | undefined {
    const key = hostKey(change);
    const error = this.hostErrors.get(key);
    this.hostErrors.delete(key);
    return error;
  }

  /** On a later turn: the runner's turn stays short. */
  private wakeSoon(): void {
    if (this.wakeQueued || !this.running) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const now = this.clock();
    this.pruneNow(now);
    const free = (this.options.concurrency ?? DEFAULT_CONCURRENCY) - this.inFlight.size;
    const leaseUntil = new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS);
    for (const delivery of claimDueDeliveries(this.db, now, leaseUntil, free)) {
      const attempt: Promise<void> = this.attempt(delivery)
        .catch((error: unknown) => this.logger.error({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be recorded'))
        .finally(() => {
          this.inFlight.delete(attempt);
          this.pump();
        });
      this.inFlight.add(attempt);
    }
    // A finished attempt pumps again; otherwise sleep until the next delivery is due.
    const due = nextDeliveryDueAt(this.db);
    if (due) this.timer = setTimeout(() => this.pump(), Math.min(MAX_SLEEP_MS, Math.max(0, due.getTime() - now.getTime())));
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const { id, event, body, url } = delivery;
    const secret = openTriggerSecret(this.key, delivery.secret);
    const outcome = await postWebhook({ url, event, deliveryId: id, body, secret }, this.options.timeoutMs, this.cancel.signal);
    if (!this.running) return;
    const now = this.clock();
    if (outcome.ok) {
      recordDeliverySuccess(this.db, id, outcome.statusCode, now);
      return;
    }
    this.hooks.onAttemptFailed?.();
    const delay = nextDeliveryDelay(delivery.attempts, this.options.retry, this.random());
    const retryAt = delay === null ? undefined : new Date(now.getTime() + delay);
    recordDeliveryFailure(this.db, id, outcome, retryAt, now);
    this.logger.warn(
      { deliveryId: id, event, attempts: delivery.attempts, error: outcome.error, retryAt: retryAt?.toISOString() },
      retryAt ? 'webhook attempt failed; retrying later' : 'webhook delivery failed; giving up',
    );
  }

  private pruneNow(now: Date): void {
    if (now.getTime() - this.lastPrunedAt < MAX_SLEEP_MS) return;
    this.lastPrunedAt = now.getTime();
    pruneDeliveries(this.db, new Date(now.getTime() - (this.options.retentionMs ?? DEFAULT_RETENTION_MS)));
  }
}

const hostKey = ({ deploymentId, hostId }: { deploymentId: string; hostId: string }) => `${deploymentId} ${hostId}`;
