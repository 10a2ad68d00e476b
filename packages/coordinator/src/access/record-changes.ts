import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../http/route-module.js';
import { appendAuditEntry } from '../store/audit-log.js';
import type { Database } from '../store/database.js';

/** Methods that change nothing, so leave no audit entry. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every change asked of the API under `basePath` (every authenticated request but reads) in the audit
 * log once it is answered, refused ones included: who (token id and name), what (method, route, resource,
 * answered status), when, and from where. Runs outside `authorize`, whose decision it reads. Request bodies
 * are never recorded, since they may carry secrets: only the route's parameters, the application and the
 * route's summary are.
 */
export function recordChanges(db: Database, clock: () => Date, basePath: string): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (READ_METHODS.has(c.req.method)) return;
    const access = c.get('access');
    const target = c.req.path.slice(basePath.length);
    const { tokenId, name } = c.get('principal');
    appendAuditEntry(db, {
      actor: { tokenId, name },
      action: `${c.req.method} ${access?.route.path ?? target}`,
      target,
      source: { channel: 'api', address: remoteAddress(c), forwardedFor: c.req.header('x-forwarded-for') },
      status: c.res.status,
      detail: {
        ...(access && Object.keys(access.route.params).length > 0 ? { params: access.route.params } : {}),
        ...(access?.application === undefined ? {} : { application: access.application }),
        ...(access?.doc ? { summary: access.doc.summary } : {}),
      },
      at: clock(),
    });
  };
}

/** The socket's peer address when served by @hono/node-server; undefined elsewhere (e.g. `app.request` in tests). */
export function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
