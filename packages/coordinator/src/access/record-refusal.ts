import type { Context } from 'hono';
import { parseCredential } from '../credentials.js';
import { appendAuditEntry, type AuditSource } from '../store/audit-log.js';
import type { Database } from '../store/database.js';
import { remoteAddress } from './record-changes.js';

/**
 * Refused authentications (401: API bearer tokens, dashboard sign-ins, host credentials, enrollment tokens) and
 * refused agent requests (403) in the audit log. A refusal has no actor, since the credential proved none: the
 * entry keeps the id the credential claimed (the part before the dot of `<id>.<secret>`, when it looks like one
 * of ours), never the secret, and the address it came from; a 403 names the host that proved itself in `detail`.
 * The rate limit (http/rate-limit.ts) charges every refusal, which bounds how fast a prober can grow the log.
 */

const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The id a presented `<id>.<secret>` credential claims; undefined for anything else. Never returns the secret. */
export function claimedCredentialId(presented: string | undefined): string | undefined {
  const id = presented === undefined ? undefined : parseCredential(presented)?.id;
  return id !== undefined && CREDENTIAL_ID.test(id) ? id : undefined;
}

export interface Refusal {
  readonly channel: AuditSource['channel'];
  /** `GET /agent/v1/connect`, `POST /api/v1/deployments`. */
  readonly action: string;
  readonly status: 401 | 403;
  /** The credential as presented, if any: only its claimed id is recorded. */
  readonly presented?: string | undefined;
  readonly address?: string | undefined;
  readonly forwardedFor?: string | undefined;
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
  readonly at: Date;
}

export function recordRefusal(db: Database, refusal: Refusal): void {
  const claimedId = claimedCredentialId(refusal.presented);
  const detail = { ...(claimedId === undefined ? {} : { claimedId }), ...refusal.detail };
  appendAuditEntry(db, {
    action: refusal.action,
    source: { channel: refusal.channel, address: refusal.address, forwardedFor: refusal.forwardedFor },
    status: refusal.status,
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
    at: refusal.at,
  });
}

/** The refusal of the request `c` is answering. */
export function refusalOf(
  c: Context,
  refusal: Pick<Refusal, 'channel' | 'status' | 'presented' | 'detail' | 'at'>,
): Refusal {
  return {
    ...refusal,
    action: `${c.req.method} ${c.req.path}`,
    address: remoteAddress(c),
    forwardedFor: c.req.header('x-forwarded-for'),
  };
}
