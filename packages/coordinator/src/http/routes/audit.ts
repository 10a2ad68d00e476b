import { z } from 'zod';
import { listAuditEntries } from '../../store/audit-log.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import type { RouteModule } from '../route-module.js';

export const AuditQuery = z.object({
  /** Only entries at or after this time (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const AuditEntryView = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** Absent for a refused authentication, which proved no actor. */
  actor: z.object({ tokenId: z.string(), name: z.string() }).optional(),
  action: z.string(),
  target: z.string().optional(),
  source: z.object({
    channel: z.enum(['api', 'dashboard', 'agent']),
    address: z.string().optional(),
    forwardedFor: z.string().optional(),
  }),
  status: z.number().int().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/** The audit log, newest first; reading it needs an admin not limited to applications. */
export const auditRoutes: RouteModule = (api, { db }) => {
  api.get('/audit', (c) => {
    const query = AuditQuery.parse(c.req.query());
    const entries: AuditEntryView[] = listAuditEntries(db, {
      since: query.since === undefined ? undefined : new Date(query.since),
      limit: query.limit,
    });
    return c.json(entries);
  });
};

export const auditRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/audit',
    summary: 'Read the audit log of changes, newest first',
    tag: 'audit',
    permission: 'administer',
    query: AuditQuery,
    response: z.array(AuditEntryView),
  },
];
