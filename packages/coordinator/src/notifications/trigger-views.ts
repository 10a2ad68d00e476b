/** The JSON shapes of the triggers API, which the CLI also reads. Absent values are `null`. Never a secret. */
import { formatTrigger, type TriggerFile } from '../group-spec/format-group-spec.js';
import type { Delivery, DeliveryStatus } from './delivery-store.js';
import type { Trigger } from './trigger-store.js';

export interface TriggerView extends TriggerFile {
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The answer to creating a trigger: the secret the coordinator made, shown this once; null when the caller gave it. */
export interface CreatedTriggerView extends TriggerView {
  readonly secret: string | null;
}

export interface DeliveryView {
  readonly deliveryId: string;
  readonly trigger: string;
  readonly event: string;
  readonly deploymentId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const toTriggerView = (trigger: Trigger): TriggerView => ({
  ...formatTrigger(trigger),
  createdAt: trigger.createdAt,
  updatedAt: trigger.updatedAt,
});

export const toDeliveryView = (delivery: Delivery): DeliveryView => ({
  deliveryId: delivery.id,
  trigger: delivery.triggerName,
  event: delivery.event,
  deploymentId: delivery.deploymentId,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt ?? null,
  lastStatusCode: delivery.lastStatusCode ?? null,
  lastError: delivery.lastError ?? null,
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
});
