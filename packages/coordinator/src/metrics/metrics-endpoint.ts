import { createHash, timingSafeEqual } from 'node:crypto';
import type { PageModule } from '../http/route-module.js';
import type { CoordinatorMetrics } from './coordinator-metrics.js';

/**
 * `GET /metrics` in Prometheus' text format, outside the admin API: Prometheus scrapes it without an API token.
 * With `token`, a scrape must send `Authorization: Bearer <token>` (Prometheus' `authorization` setting).
 */
export function metricsEndpoint(metrics: CoordinatorMetrics, token: string | undefined): PageModule {
  const expected = token === undefined ? undefined : digest(token);
  return (app) => {
    app.get('/metrics', async (c) => {
      if (expected && !matches(c.req.header('authorization'), expected)) {
        return c.text('a bearer token is required\n', 401, { 'www-authenticate': 'Bearer realm="metrics"' });
      }
      return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
    });
  };
}

/** Compared as digests, in constant time: equal lengths whatever the header holds. */
function matches(header: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given.trim()), expected);
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
