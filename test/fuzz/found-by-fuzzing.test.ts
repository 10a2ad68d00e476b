/**
 * The failures the fuzz suites found, each kept as a plain case so that it stays fixed whatever fast-check
 * happens to generate next time.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgentMessage, parseAppSpec, parseCoordinatorMessage, PROTOCOL_VERSION } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamBackup } from '../../packages/coordinator/src/store/backup.js';
import { startFuzzCoordinator, type FuzzCoordinator } from './support/fuzz-coordinator.js';
import { failOnProcessFaults } from './support/process-faults.js';

describe('found by fuzzing: the appspec parser', () => {
  it.each([
    ['a version that contains itself (a YAML alias)', 'version: &x [*x]\nos: linux', 'version'],
    ['an os that contains itself', 'version: 0.0\nos: &x [*x]', 'os'],
    ['a huge destination', `version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: ${'d'.repeat(200_000)}`, 'files[0].destination'],
    ['a huge ACL entry', `version: 0.0\nos: linux\npermissions:\n  - object: /srv\n    acls: ["${'u'.repeat(200_000)}"]`, 'permissions[0].acls[0]'],
  ])('refuses %s with a short reason instead of throwing', (_what, text, key) => {
    const result = parseAppSpec(text, { fileName: 'appspec.yml', platform: 'linux' });
    expect(result).toMatchObject({ ok: false, error: { file: 'appspec.yml', key } });
    expect(!result.ok && result.error.reason.length).toBeLessThan(300);
  });
});

describe('found by fuzzing: protocol frames', () => {
  const hugeInterval = { type: 'http', url: 'http://127.0.0.1:9/', interval: 'i'.repeat(100_000) };
  it.each([
    ['a huge protocol version', parseAgentMessage, { v: 'v'.repeat(100_000), type: 'hello' }],
    ['a huge value that a schema message quotes', parseCoordinatorMessage, { v: PROTOCOL_VERSION, type: 'watch-health', deploymentId: 'd', checks: [hugeInterval], until: new Date(0).toISOString() }],
  ])('refuses %s with a short reason', (_what, parse, frame) => {
    const result = parse(JSON.stringify(frame));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.length).toBeLessThan(400);
  });
});

describe('found by fuzzing: the coordinator', () => {
  const faults = failOnProcessFaults();
  let coordinator: FuzzCoordinator;
  beforeAll(async () => {
    coordinator = await startFuzzCoordinator();
  });
  afterAll(async () => {
    await coordinator?.close();
  });

  it('answers 413 to a body past the limit on a route that reads a copy of it first (it hung)', async () => {
    // POST /deployments reads the application's name from a clone of the body, for the access check.
    const response = await coordinator.api('/deployments', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ applicationName: 'web', padding: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('ends a backup stream whose stage vanished with an error on the stream, not an uncaught exception', async () => {
    const blobs = join(coordinator.dataDir, 'blobs');
    mkdirSync(blobs, { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(join(blobs, String(i).padStart(64, '0')), 'x'.repeat(100_000));
    const archive = await streamBackup(coordinator.server.db, coordinator.dataDir);
    const failures: Error[] = [];
    archive.on('error', (error) => failures.push(error));
    // What an abandoned download does to the packer: the stage is removed while it still reads from it.
    for (const name of readdirSync(coordinator.dataDir)) {
      if (name.startsWith('.backup-')) rmSync(join(coordinator.dataDir, name), { recursive: true, force: true });
    }
    const closed = new Promise((resolve) => archive.once('close', resolve));
    archive.resume();
    await closed;
    expect(failures.map((error) => error.message)).toEqual([expect.stringMatching(/ENOENT/)]);
    // Any second failure of the packer would come on a later tick.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(faults.seen).toEqual([]);
  });
});
