import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { DashboardContext, DashboardEnv } from './dashboard-env.js';
import { csrfTokenMatches, type Session, type SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'baton_session';
const COOKIE_PATH = '/ui';

/**
 * Admits a request with a live session whose API token still stands for someone (a revoked or expired token
 * ends the session at once), and puts the caller's `Principal` in the context. Every request that is not a GET
 * must carry the session's CSRF token in its form (`_csrf`): with the SameSite=Strict cookie, a page on another
 * site can neither send the cookie nor read the token. A GET without a session goes to the sign-in page.
 * A missing, expired or unknown session id is not audited: it is no credential (a random id with nothing to
 * claim), every open browser presents a stale one after a coordinator restart, and it leads only to the sign-in
 * page, whose refusals are audited. A session whose token was revoked ends here too; the revocation was audited.
 */
export function requireSession(sessions: SessionStore, { db, clock, authenticate }: DashboardContext): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const now = clock();
    const id = getCookie(c, SESSION_COOKIE);
    const session = id === undefined ? undefined : sessions.get(id, now.getTime());
    const principal = session && authenticate(db, session.apiToken, now);
    if (!session || !principal) {
      if (session) sessions.delete(session.id);
      if (c.req.method === 'GET') return c.redirect(`/ui/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      return c.text('Sign in first.', 401);
    }
    if (c.req.method !== 'GET') {
      const form = await c.req.parseBody();
      if (!csrfTokenMatches(session, typeof form['_csrf'] === 'string' ? form['_csrf'] : undefined)) {
        return c.text('This form has expired or did not come from the dashboard: reload the page and try again.', 403);
      }
    }
    c.set('session', session);
    c.set('principal', principal);
    await next();
  };
}

export function setSessionCookie(c: Context, session: Session, now: number): void {
  setCookie(c, SESSION_COOKIE, session.id, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    // Behind TLS the cookie never travels in clear; plain http stays usable on a trusted network or localhost.
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.max(0, Math.floor((session.expiresAt - now) / 1000)),
  });
}

export const clearSessionCookie = (c: Context): void => void deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
