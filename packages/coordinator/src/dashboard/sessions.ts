/**
 * Dashboard sessions, kept in the coordinator's memory: a browser holds only a random session id (in an
 * HttpOnly cookie), never the API token it signed in with. A restart of the coordinator signs everyone out,
 * which is acceptable for an operator's console and keeps the token out of the database.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  readonly id: string;
  /** Sent back in every dashboard form: a cross-site page cannot read it, so it cannot forge a post. */
  readonly csrfToken: string;
  /** The API token the user signed in with; checked again on every request, so revoking it signs the user out. */
  readonly apiToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

const randomToken = (): string => randomBytes(32).toString('base64url');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ttlMs = DEFAULT_SESSION_TTL_MS) {}

  create(apiToken: string, now: number): Session {
    this.sweep(now);
    const session: Session = { id: randomToken(), csrfToken: randomToken(), apiToken, expiresAt: now + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id; an expired one is forgotten. */
  get(id: string, now: number): Session | undefined {
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= now) this.sessions.delete(id);
    return session && session.expiresAt > now ? session : undefined;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(now: number): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Whether a form's CSRF token is the session's, compared in constant time. */
export function csrfTokenMatches(session: Session, submitted: string | undefined): boolean {
  if (submitted === undefined) return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(submitted);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
