import type { HostMetricsSample } from '@baton/shared';
import { getHost, listHosts } from '../store/hosts.js';
import { ApiError } from '../http/errors.js';
import { IdParams } from '../http/openapi/path-params.js';
import type { RouteDoc } from '../http/openapi/route-doc.js';
import type { RouteModule } from '../http/route-module.js';
import type { MetricsHistory } from './metrics-history.js';

export interface HostMetricsView {
  readonly hostId: string;
  readonly name: string;
  /** Oldest first; `at` is when the coordinator received the sample. */
  readonly samples: readonly HostMetricsSample[];
}

export interface LatestHostMetricsView {
  readonly hostId: string;
  readonly sample: HostMetricsSample;
}

/**
 * `GET /hosts/:id/metrics`: a host's recent samples, oldest first. `GET /host-metrics`: the latest sample of
 * every host that has one (what `baton hosts list` shows).
 */
export const hostMetricsRoutes =
  (history: MetricsHistory): RouteModule =>
  (api, { db }) => {
    api.get('/hosts/:id/metrics', (c) => {
      const host = getHost(db, c.req.param('id'));
      if (!host) throw new ApiError(404, 'NOT_FOUND', `host '${c.req.param('id')}' not found`);
      return c.json<HostMetricsView>({ hostId: host.id, name: host.name, samples: history.samples(host.id) });
    });

    api.get('/host-metrics', (c) =>
      c.json(
        listHosts(db).flatMap((host): LatestHostMetricsView[] => {
          const sample = history.latest(host.id);
          return sample ? [{ hostId: host.id, sample }] : [];
        }),
      ),
    );
  };

export const hostMetricsRouteDocs: readonly RouteDoc[] = [
  { method: 'get', path: '/hosts/{id}/metrics', summary: "A host's recent metrics, oldest first", tag: 'hosts', permission: 'read', params: IdParams },
  { method: 'get', path: '/host-metrics', summary: 'The latest metrics sample of every host', tag: 'hosts', permission: 'read' },
];
