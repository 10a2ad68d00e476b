import type { TriggerEvent } from '@baton/shared';
import { signWebhookBody } from './webhook-signature.js';

export interface WebhookRequest {
  readonly url: string;
  readonly event: TriggerEvent;
  readonly deliveryId: string;
  readonly body: string;
  readonly secret: string;
}

export type AttemptOutcome =
  | { readonly ok: true; readonly statusCode: number }
  | { readonly ok: false; readonly statusCode?: number; readonly error: string };

/** Enough of a refusal's body to tell why, in the delivery log. */
const ERROR_BODY_CHARS = 200;

/**
 * One attempt: a signed POST that must answer 2xx within `timeoutMs`. Redirects are not followed (a signed body
 * goes only where its trigger says). Never throws: every way of failing is an outcome for the delivery log.
 */
export async function postWebhook(request: WebhookRequest, timeoutMs: number, cancel: AbortSignal): Promise<AttemptOutcome> {
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel]);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Baton-Webhook',
        'x-baton-event': request.event,
        'x-baton-delivery': request.deliveryId,
        'x-baton-signature': signWebhookBody(request.secret, request.body),
      },
      body: request.body,
    });
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
    const detail = text.trim().slice(0, ERROR_BODY_CHARS);
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${detail ? `: ${detail}` : ''}` };
  } catch (error) {
    return { ok: false, error: describeFailure(error, timeoutMs, cancel) };
  }
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is in its cause. */
function describeFailure(error: unknown, timeoutMs: number, cancel: AbortSignal): string {
  if (cancel.aborted) return 'cancelled: the coordinator stopped';
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? `${cause.code}: ${cause.message}` : cause.message;
  return error instanceof Error ? error.message : String(error);
}
