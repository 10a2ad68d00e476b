/**
 * End to end: the web dashboard in a real headless Chromium, against a real coordinator and real agents.
 * An operator signs in with an API token, watches a deployment started through the API progress host by host
 * and its hooks' output appear without reloading the page, then stops a slow deployment with a rollback from
 * its page and follows the link to the rollback. Screenshots go to test-output/dashboard/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster, REPO_ROOT } from '../harness/cluster.js';

const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'dashboard');
/** Long enough to watch a deployment run; the waits below end as soon as what they wait for shows. */
const UI_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 120_000;

describe('the web dashboard in a real browser', () => {
  let cluster: Cluster;
  let bundles: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 2, heartbeatIntervalMs: 300 });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await expectOk(cluster.baton(['app', 'create', 'shop']));
    await expectOk(cluster.baton(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'OneAtATime']));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  const deploy = async (name: string, spec: Parameters<typeof writeBundle>[1]) =>
    (await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', writeBundle(join(bundles, name), spec)])).deploymentId;
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('signs in with an API token and lands on the deployments', async () => {
    await page.goto(cluster.url);
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
    await screenshot('sign-in');
    await page.getByLabel('API token').fill(cluster.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/ui\/deployments$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Deployments');
  }, TEST_TIMEOUT_MS);

  it('shows a deployment started through the API progress live, with its hooks\' output, without reloading', async () => {
    const id = await deploy('v1', { version: 'v1', sleepAt: { hook: 'ApplicationStart', seconds: 2 } });
    await page.goto(`${cluster.url}/ui/deployments/${id}`);
    // Survives only as long as the page is not reloaded.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const succeededAtFirst = await page.locator('td.event-succeeded').count();
    await page.locator('#live', { hasText: 'live' }).waitFor();

    // The second host starts only after the first finished, seconds after the page was loaded.
    await page.locator('#log', { hasText: 'web2 ValidateService running ValidateService of v1' }).waitFor();
    await page.locator('#summary .status-succeeded').waitFor();
    const events = await page.locator('td.event').count();
    expect(await page.locator('td.event-succeeded').count()).toBe(events);
    expect(succeededAtFirst).toBeLessThan(events);
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot('deployment-succeeded');

    await page.goto(`${cluster.url}/ui/applications/shop`);
    expect(await page.locator('main').textContent()).toContain('2 (2 online)');
    await page.goto(`${cluster.url}/ui/hosts`);
    await screenshot('hosts');
  }, TEST_TIMEOUT_MS);

  it('stops a slow deployment with a rollback from its page and links to the rollback', async () => {
    // Long enough to press stop; the rollback then waits for the interrupted script, which the agent lets finish.
    const id = await deploy('slow', { version: 'slow', sleepAt: { hook: 'ApplicationStart', seconds: 8 } });
    await page.goto(`${cluster.url}/ui/deployments/${id}`);
    await page.locator(`#ev-${await firstHostId(page)}-ApplicationStart.event-inprogress`).waitFor();
    await screenshot('slow-deployment-running');

    await page.getByRole('button', { name: 'Stop and roll back' }).click();
    await page.locator('#summary .status-stopped').waitFor();
    expect(await page.locator('#summary').textContent()).toContain('MANUAL_STOP');
    const rollbackLink = page.locator('#summary .rollback-link a');
    await rollbackLink.waitFor();
    await screenshot('slow-deployment-stopped');

    await rollbackLink.click();
    await page.waitForURL(/\/ui\/deployments\/d-/);
    expect(await page.locator('#summary').textContent()).toContain(`Rolls back ${id}`);
    await page.locator('#summary .status-succeeded').waitFor();
    await screenshot('rollback-succeeded');
    for (const agent of cluster.agents) expect(agent.read('app/version.txt')).toBe('v1\n');
  }, TEST_TIMEOUT_MS);
});

/** The id of the first host row's status cell (`host-<id>-status`). */
async function firstHostId(page: Page): Promise<string> {
  const id = await page.locator('td[id^="host-"]').first().getAttribute('id');
  return id!.slice('host-'.length, -'-status'.length);
}

async function expectOk(result: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<void> {
  const { exitCode, stdout, stderr } = await result;
  expect(exitCode, `${stdout}\n${stderr}`).toBe(0);
}
