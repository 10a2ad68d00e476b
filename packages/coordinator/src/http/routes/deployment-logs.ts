/**
 * Live views of one deployment: its hook output (`/logs`, plain text or NDJSON, optionally followed until the
 * deployment ends, over a chunked response) and its state changes (`/events`, server-sent events).
 */
import { RESERVED_EVENTS, SCRIPTABLE_HOOKS } from '@baton/shared';
import { z } from 'zod';
import type { HookOutputLog } from '../../logs/hook-output-log.js';
import { openDeploymentEventStream } from '../../logs/deployment-event-stream.js';
import { formatOutputText, NDJSON_TYPE, toOutputRecord } from '../../logs/output-format.js';
import { openOutputStream } from '../../logs/output-stream.js';
import type { EngineRunner } from '../../runner/engine-runner.js';
import { getDeployment } from '../../store/deployments.js';
import { ApiError } from '../errors.js';
import { IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import type { RouteModule } from '../route-module.js';

export const LogsQuery = z.object({
  /** Only this host's output: its name or its id. */
  host: z.string().min(1).optional(),
  /** Only this lifecycle event's output. */
  event: z.enum([...SCRIPTABLE_HOOKS, ...RESERVED_EVENTS]).optional(),
  /** `true`: stay open and stream new lines until the deployment ends. */
  follow: z.enum(['true', 'false']).optional(),
});

/** Streams must reach the client as they are written: no caching, no buffering in a reverse proxy (nginx). */
const STREAM_HEADERS = { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
const DEFAULT_HEARTBEAT_MS = 15_000;

export interface DeploymentLogRoutesOptions {
  /** How often the events stream sends a comment so that idle proxies keep it open. */
  readonly heartbeatMs?: number;
}

export const deploymentLogRoutes =
  (runner: EngineRunner, logs: HookOutputLog, options: DeploymentLogRoutesOptions = {}): RouteModule =>
  (api, { db }) => {
    api.get('/deployments/:id/logs', (c) => {
      const id = c.req.param('id');
      const query = LogsQuery.parse(c.req.query());
      if (!getDeployment(db, id)) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      const ndjson = c.req.header('accept')?.includes(NDJSON_TYPE) ?? false;
      const stream = openOutputStream(
        { db, bus: logs.bus, feed: runner.feed },
        {
          deploymentId: id,
          filter: { host: query.host, event: query.event },
          follow: query.follow === 'true',
          format: ndjson ? (line) => JSON.stringify(toOutputRecord(line)) : (line) => formatOutputText(toOutputRecord(line)),
        },
      );
      return c.body(stream, 200, { ...STREAM_HEADERS, 'content-type': ndjson ? NDJSON_TYPE : 'text/plain; charset=utf-8' });
    });

    api.get('/deployments/:id/events', (c) => {
      const id = c.req.param('id');
      const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
      const stream = openDeploymentEventStream(db, runner.feed, id, { heartbeatMs });
      if (!stream) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      return c.body(stream, 200, { ...STREAM_HEADERS, 'content-type': 'text/event-stream' });
    });
  };

const tag = 'deployments';

export const deploymentLogRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/deployments/{id}/logs',
    summary:
      "A deployment's hook output, oldest first: `host event [stream] text` lines, or NDJSON with `Accept: application/x-ndjson`; with `follow=true` it streams new lines until the deployment ends",
    tag,
    permission: 'read',
    params: IdParams,
    query: LogsQuery,
    produces: 'text/plain',
  },
  {
    method: 'get',
    path: '/deployments/{id}/events',
    summary: "A deployment's state changes as server-sent events: a snapshot, then each change, then `end` when it has ended",
    tag,
    permission: 'read',
    params: IdParams,
    produces: 'text/event-stream',
  },
];
