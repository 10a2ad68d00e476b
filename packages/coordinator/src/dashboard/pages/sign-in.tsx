import type { Hono } from 'hono';
import { recordRefusal, refusalOf } from '../../access/record-refusal.js';
import { chromeOf, type DashboardContext, type DashboardEnv } from '../dashboard-env.js';
import { Layout } from '../components/layout.js';
import { clearSessionCookie, setSessionCookie } from '../session-auth.js';
import type { SessionStore } from '../sessions.js';

/** Only a path inside the dashboard may be returned to after signing in: never another site. */
const safeNext = (next: string | undefined): string =>
  next !== undefined && (next === '/ui' || next.startsWith('/ui/')) && !next.includes('//') && !next.includes('\\') ? next : '/ui';

const SignInPage = ({ c, context, problem, next }: { c: Parameters<typeof chromeOf>[0]; context: DashboardContext; problem?: string; next: string }) => (
  <Layout chrome={chromeOf(c, context.assets)} title="Sign in">
    <form class="sign-in" method="post" action="/ui/sign-in">
      <h1>Sign in to Baton</h1>
      <p>Use an API token (from the first start's admin token, or `baton token create`).</p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <label>
        API token
        <input type="password" name="token" autocomplete="current-password" required autofocus />
      </label>
      <input type="hidden" name="next" value={next} />
      <button type="submit">Sign in</button>
    </form>
  </Layout>
);

/**
 * The public routes: the sign-in form and its post, which trades an API token for a session cookie. A refused
 * token is recorded in the audit log as the API's refused bearer tokens are (its claimed id, never its secret).
 */
export function signInRoutes(ui: Hono<DashboardEnv>, context: DashboardContext, sessions: SessionStore): void {
  ui.get('/sign-in', (c) => c.html(<SignInPage c={c} context={context} next={safeNext(c.req.query('next'))} />));

  ui.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'].trim() : '';
    const next = safeNext(typeof form['next'] === 'string' ? form['next'] : undefined);
    const now = context.clock();
    if (!context.authenticate(context.db, token, now)) {
      recordRefusal(context.db, refusalOf(c, { channel: 'dashboard', status: 401, presented: token, at: now }));
      return c.html(<SignInPage c={c} context={context} next={next} problem="That token is not valid (unknown, revoked or expired)." />, 401);
    }
    setSessionCookie(c, sessions.create(token, now.getTime()), now.getTime());
    return c.redirect(next, 303);
  });
}

/** Signing out ends the session on the server, not only in the browser. Behind `requireSession` (CSRF-checked). */
export function signOutRoute(ui: Hono<DashboardEnv>, sessions: SessionStore): void {
  ui.post('/sign-out', (c) => {
    sessions.delete(c.get('session').id);
    clearSessionCookie(c);
    return c.redirect('/ui/sign-in', 303);
  });
}
