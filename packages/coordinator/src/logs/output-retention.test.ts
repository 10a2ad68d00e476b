import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { readHookOutput } from './hook-output-store.js';
import { createLoggedDeploymentApp, type LoggedDeploymentApp } from './logged-deployment.test-support.js';
import { OutputRetention } from './output-retention.js';

const DAY_MS = 24 * 3_600_000;
const silent = pino({ level: 'silent' });

describe('hook output retention', () => {
  let app: LoggedDeploymentApp;

  beforeEach(() => {
    app = createLoggedDeploymentApp();
  });
  afterEach(() => {
    app.close();
  });

  /** A deployment whose first host says `lines` lines; it ends (at the app's clock) unless `finish` is false. */
  const deployment = async (lines: number, finish = true): Promise<string> => {
    const id = await app.deploy();
    const first = app.fleet.pending(app.web.hosts[0]!.id)[0]!;
    app.say(first, Array.from({ length: lines }, (_, i) => `line ${i}`));
    if (finish) app.fleet.answerAll();
    return id;
  };
  const countLines = (id: string): number => readHookOutput(app.t.db, id, {}, 0, 100_000).length;

  it('deletes the output of deployments that ended before the retention, in chunks, and keeps the rest', async () => {
    const old = await deployment(12_000);
    app.t.now = new Date(app.t.now.getTime() + 20 * DAY_MS);
    const recent = await deployment(3);
    const running = await deployment(2, false);
    expect(countLines(old)).toBe(12_000);

    const clock = () => new Date(app.t.now.getTime() + 11 * DAY_MS); // 31 days after the old one ended
    const retention = new OutputRetention(app.t.db, { retentionMs: 30 * DAY_MS, intervalMs: DAY_MS }, silent, clock);
    expect(await retention.prune()).toBe(12_000);
    expect([countLines(old), countLines(recent), countLines(running)]).toEqual([0, 3, 2]);
    expect(await retention.prune()).toBe(0);
  });

  it('prunes at start, on a real database file that keeps the result after it is reopened', async () => {
    const old = await deployment(5);
    const retention = new OutputRetention(app.t.db, { retentionMs: DAY_MS, intervalMs: DAY_MS }, silent, () => new Date(app.t.now.getTime() + 2 * DAY_MS));
    retention.start();
    await retention.stop(); // waits for the pass that start began

    const reopened = openDatabase(`${app.t.dir}/baton.db`);
    try {
      expect(readHookOutput(reopened, old, {}, 0, 10)).toEqual([]);
    } finally {
      reopened.close();
    }
  });
});
