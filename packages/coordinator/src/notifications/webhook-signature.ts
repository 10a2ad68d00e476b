import { createHmac } from 'node:crypto';

/**
 * `X-Baton-Signature`: `sha256=` and the hex HMAC-SHA256 of the raw body under the trigger's secret. A receiver
 * recomputes it over the bytes it received (before parsing) and compares in constant time.
 */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
