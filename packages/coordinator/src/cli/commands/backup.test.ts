/**
 * `baton backup` of a running coordinator that has deployments and bundles, `baton restore` into a new data
 * directory, and a coordinator started on it that has them all.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../config.js';
import { deploymentService } from '../../runner/deployment-service.js';
import { startServer, type RunningServer } from '../../server.js';
import { APPSPEC, makeArchive } from '../../testing/bundle-archives.test-support.js';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import { eventually } from '../../../../../test/harness/processes.js';
import { runCli } from '../program.js';

describe('baton backup and restore', () => {
  let t: CliTestServer;
  let work: string;
  let archive: string;
  const bundles: { revisionId: string; sha256: string }[] = [];
  const deploymentIds: string[] = [];

  const api = (server: { url: string }, token: string, path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const restore = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['restore', ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'baton-backup-'));
    archive = join(work, 'baton-backup.tar');
    t = await startCliTestServer();
    expect((await t.baton('app', 'create', 'web')).code).toBe(0);
    expect((await t.baton('group', 'create', 'web', 'prod', '--tag', 'env=prod')).code).toBe(0);
    for (const version of ['1', '2']) {
      const bytes = await makeArchive('tgz', { 'appspec.yml': APPSPEC, 'version.txt': version });
      const uploaded = await api(t.server, t.adminToken, '/applications/web/revisions?bundleType=tgz', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      bundles.push(await readJson<{ revisionId: string; sha256: string }>(uploaded));
      const deployed = await api(t.server, t.adminToken, '/deployments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ applicationName: 'web', deploymentGroupName: 'prod', revisionId: bundles.at(-1)!.revisionId }),
      });
      deploymentIds.push((await readJson<{ deploymentId: string }>(deployed)).deploymentId);
    }
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('saves a tar holding the database and every bundle, while the server runs', async () => {
    const saved = await t.baton('backup', archive);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/^backup saved to .*baton-backup\.tar \(\d+ bytes\)\n$/);
    const entries: string[] = [];
    await tar.list({ file: archive, onReadEntry: (entry) => entries.push(entry.path) });
    expect(entries).toEqual(expect.arrayContaining(['baton.db', ...bundles.map((bundle) => `blobs/${bundle.sha256}`)]));
    expect(entries.some((entry) => entry.startsWith('blobs/tmp'))).toBe(false);
    // The staging copy goes once the answer is sent.
    const staged = () => readdirSync(dirname(t.server.db.name)).filter((name) => name.startsWith('.backup-'));
    await eventually('the backup stage removed', () => (staged().length === 0 ? true : undefined), 5_000);
  });

  it('restores into a new data directory, on which a coordinator has the deployments and bundles', async () => {
    const target = join(work, 'restored');
    const restored = await restore(archive, '--data-dir', target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored .*baton\.db and 2 bundle\(s\)/);

    const config = parseServerConfig({ dataDir: target, listen: '127.0.0.1:0' });
    if (!config.ok) throw new Error(config.error);
    const server: RunningServer = await startServer(config.value, { logger: pino({ level: 'silent' }), print: () => undefined, services: [deploymentService] });
    try {
      // The original's admin token works: it is in the restored database.
      for (const id of deploymentIds) {
        const deployment = await api(server, t.adminToken, `/deployments/${id}`);
        expect(deployment.status).toBe(200);
        expect(await deployment.json()).toMatchObject({ deploymentId: id, applicationName: 'web', deploymentGroupName: 'prod' });
      }
      for (const { revisionId, sha256 } of bundles) {
        expect(await readJson<{ sha256: string }>(await api(server, t.adminToken, `/revisions/${revisionId}`))).toMatchObject({ sha256 });
        expect(existsSync(join(target, 'blobs', sha256))).toBe(true);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a directory that holds a database unless --force, and an archive without a database', async () => {
    const target = join(work, 'occupied');
    expect((await restore(archive, '--data-dir', target)).code).toBe(0);
    const refused = await restore(archive, '--data-dir', target);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/TARGET_NOT_EMPTY: .* already holds a database .*--force/) });
    expect((await restore(archive, '--data-dir', target, '--force')).code).toBe(0);

    const broken = join(work, 'broken.tar');
    writeFileSync(join(work, 'baton.db'), 'not a database');
    await tar.create({ file: broken, cwd: work }, ['baton.db']);
    const before = readFileSync(join(target, 'baton.db'));
    const invalid = await restore(broken, '--data-dir', target, '--force');
    expect(invalid).toMatchObject({ code: 1, stderr: expect.stringMatching(/INVALID_BACKUP: the archive's database cannot be opened and migrated/) });
    expect(readFileSync(join(target, 'baton.db')).equals(before)).toBe(true);
  });
});
