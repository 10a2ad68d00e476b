import { Hono } from 'hono';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { principalForToken } from '../access/principal-for-token.js';
import { MetricsHistory } from '../health/metrics-history.js';
import { HookOutputLog } from '../logs/hook-output-log.js';
import { createApiToken } from '../store/api-tokens.js';
import { listAuditEntries } from '../store/audit-log.js';
import { createDeploymentTestApp, type DeploymentTestApp } from '../testing/deployment-test-app.test-support.js';
import { dashboardPages } from './dashboard-pages.js';

/** A browser of sorts: keeps the session cookie, and reads the CSRF token from the last page it loaded. */
class Browser {
  private cookie = '';
  csrf = '';

  constructor(private readonly app: Hono) {}

  async get(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.app.request(path, { ...init, headers: { cookie: this.cookie } });
    this.remember(response);
    if (response.headers.get('content-type')?.startsWith('text/html')) {
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(await response.clone().text())?.[1] ?? this.csrf;
    }
    return response;
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await this.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie: this.cookie } });
    this.remember(response);
    return response;
  }

  async signIn(token: string): Promise<Response> {
    return this.post('/ui/sign-in', { token, next: '/ui/deployments' });
  }

  private remember(response: Response): void {
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
  }
}

/** Reads a server-sent event stream until `wanted` shows up in it. */
async function readUntil(body: ReadableStream<Uint8Array>, wanted: RegExp, timeoutMs = 5000): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${wanted} in:\n${text}`)), timeoutMs);
  });
  try {
    while (!wanted.test(text)) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next.done) throw new Error(`the stream ended without ${wanted}:\n${text}`);
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

describe('the dashboard', () => {
  let d: DeploymentTestApp;
  let app: Hono;
  let logs: HookOutputLog;
  let admin: Browser;

  beforeEach(async () => {
    d = createDeploymentTestApp();
    logs = new HookOutputLog(d.t.db, pino({ level: 'silent' }));
    app = new Hono();
    const deps = { runner: d.runner, metrics: new MetricsHistory(), hookOutput: logs.bus, authenticate: principalForToken };
    dashboardPages(deps)(app, { db: d.t.db, clock: () => d.t.now, logger: pino({ level: 'silent' }) });
    admin = new Browser(app);
    expect((await admin.signIn(d.t.adminToken)).status).toBe(303);
  });

  afterEach(() => d.t.cleanup());

  const startDeployment = async (): Promise<string> => {
    const created = await d.t.api('/api/v1/deployments', {
      method: 'POST',
      json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: d.web.revisions[0]!.id },
    });
    return ((await created.json()) as { deploymentId: string }).deploymentId;
  };

  const browserWith = async (role: 'viewer' | 'deployer', applicationIds?: string[]): Promise<Browser> => {
    const { token } = createApiToken(d.t.db, { name: `a ${role}`, role, applicationIds }, d.t.now);
    const browser = new Browser(app);
    await browser.signIn(token);
    return browser;
  };

  it('sends a visitor without a session to the sign-in page, and refuses a wrong token', async () => {
    const visitor = new Browser(app);
    const page = await visitor.get('/ui/deployments?status=Failed');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/ui/sign-in?next=%2Fui%2Fdeployments');
    expect((await visitor.signIn('tok-nobody.secret')).status).toBe(401);
    expect((await visitor.get('/ui/deployments')).status).toBe(303);
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie holding only a random id', async () => {
    const response = await new Browser(app).signIn(d.t.adminToken);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^baton_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/ui');
    expect(cookie).not.toContain(d.t.adminToken.split('.')[1]!);
    expect(response.headers.get('location')).toBe('/ui/deployments');
  });

  it('shows a deployment: its hosts, their events, and the actions an admin may take', async () => {
    const id = await startDeployment();
    d.fleet.answerNext('Succeeded');
    const page = await admin.get(`/ui/deployments/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Deployment ${id}`);
    for (const host of d.web.hosts) expect(html).toContain(host.name);
    expect(html).toMatch(new RegExp(`id="ev-${d.web.hosts[0]!.id}-ApplicationStop" class="event event-succeeded"`));
    expect(html).toContain('Stop and roll back');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('stops a deployment with a rollback from a form carrying the CSRF token, and audits it', async () => {
    const id = await startDeployment();
    await admin.get(`/ui/deployments/${id}`);
    expect((await admin.post(`/ui/deployments/${id}/actions`, { action: 'stop-and-roll-back' })).status).toBe(403);
    expect((await admin.post(`/ui/deployments/${id}/actions`, { action: 'stop-and-roll-back', _csrf: 'forged' })).status).toBe(403);
    expect(d.runner.activeDeployments().map((state) => state.deploymentId)).toContain(id);

    const done = await admin.post(`/ui/deployments/${id}/actions`, { action: 'stop-and-roll-back', _csrf: admin.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/ui/deployments/${id}`);
    const page = await (await admin.get(`/ui/deployments/${id}`)).text();
    expect(page).toContain('status-stopped');
    expect(page).toContain('MANUAL_STOP');
    const [entry] = listAuditEntries(d.t.db, { limit: 1 });
    expect(entry).toMatchObject({ action: 'dashboard: stop-and-roll-back', target: `/deployments/${id}`, status: 303, source: { channel: 'dashboard' } });
    expect(entry?.actor?.name).toBe('admin');
  });

  it('shows a viewer no buttons and refuses its posts', async () => {
    const id = await startDeployment();
    const viewer = await browserWith('viewer');
    const page = await (await viewer.get(`/ui/deployments/${id}`)).text();
    expect(page).toContain(`Deployment ${id}`);
    expect(page).not.toContain('name="action"');
    expect((await viewer.post(`/ui/deployments/${id}/actions`, { action: 'stop', _csrf: viewer.csrf })).status).toBe(403);
    expect(d.runner.activeDeployments().map((state) => state.deploymentId)).toContain(id);
    expect(listAuditEntries(d.t.db, { limit: 1 })[0]).toMatchObject({ action: 'dashboard: stop', status: 403 });
  });

  it('shows a token limited to other applications none of this one', async () => {
    const id = await startDeployment();
    const outsider = await browserWith('deployer', ['app-elsewhere']);
    expect(await (await outsider.get('/ui/deployments')).text()).not.toContain(id);
    expect((await outsider.get(`/ui/deployments/${id}`)).status).toBe(403);
    expect((await outsider.get('/ui/applications/web')).status).toBe(403);
  });

  it('streams event changes and hook output to an open deployment page', async () => {
    const id = await startDeployment();
    const controller = new AbortController();
    const stream = await admin.get(`/ui/deployments/${id}/stream?after=0`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const answered = d.fleet.answerNext('Succeeded');
    const patch = await readUntil(stream.body!, /event: patch\ndata: .*event-succeeded/);
    expect(patch).toContain(`ev-${answered.hostId}-${answered.command.event}`);

    const next = d.fleet.pending()[0]!;
    logs.record(next.hostId, { type: 'hook-output', commandId: next.command.commandId, seq: 0, lines: [{ stream: 'stdout', text: 'hello from the hook', at: d.t.now.toISOString() }] });
    expect(await readUntil(stream.body!, /event: log\ndata: .*hello from the hook.*\nid: \d+/)).toContain(next.command.event);
    controller.abort();
  });

  it('brings a page up to date with what changed between its rendering and its stream opening', async () => {
    const id = await startDeployment();
    expect(await (await admin.get(`/ui/deployments/${id}`)).text()).not.toContain('event-succeeded');
    const answered = d.fleet.answerNext('Succeeded');

    const controller = new AbortController();
    const stream = await admin.get(`/ui/deployments/${id}/stream?after=0`, { signal: controller.signal });
    const patch = await readUntil(stream.body!, /event: patch\ndata: .*event-succeeded/);
    expect(patch).toContain(`ev-${answered.hostId}-${answered.command.event}`);
    controller.abort();
  });

  it('lists applications, their groups and hosts, and deployments filtered by status', async () => {
    const id = await startDeployment();
    const applications = await (await admin.get('/ui/applications')).text();
    expect(applications).toContain('href="/ui/applications/web"');
    const application = await (await admin.get('/ui/applications/web')).text();
    expect(application).toContain('CodeDeployDefault.OneAtATime');
    expect(application).toContain('3 (0 online)');
    const hosts = await (await admin.get('/ui/hosts')).text();
    expect(hosts).toContain('web-1');
    expect(await (await admin.get('/ui/deployments?status=InProgress')).text()).toContain(id);
    expect(await (await admin.get('/ui/deployments?status=Failed')).text()).not.toContain(id);
  });

  it('answers an unknown page with its own HTML not-found page, and still leads `/ui/` home', async () => {
    for (const path of ['/ui/nowhere', '/ui/deployments/d-1/nowhere', '/ui/static/nowhere.css']) {
      const page = await admin.get(path);
      expect(page.status, path).toBe(404);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await page.text(), path).toContain('<h1>Not found</h1>');
    }
    expect((await admin.get('/ui/')).headers.get('location')).toBe('/ui');
    expect((await admin.get('/ui')).headers.get('location')).toBe('/ui/deployments');
  });

  it('signs out on the server: the old cookie no longer opens a page', async () => {
    await admin.get('/ui/hosts');
    expect((await admin.post('/ui/sign-out', { _csrf: admin.csrf })).status).toBe(303);
    expect((await admin.get('/ui/hosts')).status).toBe(303);
  });

  it('serves its script and stylesheet with long caching when the URL is versioned', async () => {
    const page = await (await admin.get('/ui/hosts')).text();
    const script = /<script src="([^"]+)"/.exec(page)![1]!;
    const response = await app.request(script.replaceAll('&amp;', '&'));
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toContain('EventSource');
  });
});
