import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpgradeAgent } from '@baton/shared/protocol';
import { decideLaunch, fallbackFile, markerFile, prepareLaunch, readJsonFile, superviseAgent, writeJsonFile, type UpgradeMarker } from './launcher.js';
import { pendingFallbackReport, watchPendingUpgrade } from './pending-upgrade.js';
import { installUpgrade } from './upgrade-agent.js';
import { locateVersionedInstall, stableBinPath } from './versioned-install.js';

const CREDENTIAL = 'h-1.secret';
const BIN = join('packages', 'agent', 'bin', 'baton-agent.js');

let dir: string;
let prefix: string;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-upgrade-'));
  prefix = join(dir, 'opt', 'baton-agent');
  await writeVersion(join(prefix, 'versions', '0.1.0'), '0.1.0');
  await symlink('versions/0.1.0', join(prefix, 'current'));
});

afterEach(async () => {
  if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

const readUpgradeMarker = (): UpgradeMarker | undefined => readJsonFile<UpgradeMarker>(markerFile(prefix));
const writeUpgradeMarker = (marker: UpgradeMarker): void => writeJsonFile(markerFile(prefix), marker);

/** A version directory whose bin is `script` (a comment by default: a version that is never run). */
async function writeVersion(versionDir: string, version: string, script = `// agent ${version}\n`): Promise<void> {
  await mkdir(join(versionDir, 'packages', 'agent', 'bin'), { recursive: true });
  await writeFile(join(versionDir, BIN), script);
  await writeFile(join(versionDir, 'packages', 'agent', 'package.json'), JSON.stringify({ version }));
}

/** A real agent-package-shaped tgz served over HTTP to the host credential only. */
async function servePackage(version: string): Promise<UpgradeAgent> {
  const source = join(dir, 'package-source');
  await writeVersion(source, version);
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: source, portable: true }, ['packages'])) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${CREDENTIAL}`) return void response.writeHead(401).end();
    response.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    type: 'upgrade-agent',
    version,
    packageUrl: `http://127.0.0.1:${port}/install/agent.tgz`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

const currentBin = (): string => join(prefix, 'current', BIN);

describe('locating the versioned installation', () => {
  it('finds the prefix and version from the bin path, through or beside current', () => {
    expect(locateVersionedInstall(currentBin())).toEqual({ prefix, currentVersion: '0.1.0' });
    expect(stableBinPath(join(prefix, 'versions', '0.1.0', BIN))).toBe(currentBin());
  });

  it('does not take a source checkout for one', () => {
    const checkoutBin = new URL('../../bin/baton-agent.js', import.meta.url).pathname;
    expect(locateVersionedInstall(checkoutBin)).toBeUndefined();
    expect(stableBinPath(checkoutBin)).toBe(checkoutBin);
  });
});

describe('installUpgrade', () => {
  it('unpacks the new version, moves current and previous, and leaves a marker', async () => {
    const command = await servePackage('0.2.0');
    const answer = await installUpgrade(command, { binPath: currentBin(), form: 'package', credential: CREDENTIAL, coordinatorTls: {}, now: new Date('2026-01-01T00:00:00Z') });

    expect(answer).toMatchObject({ type: 'upgrade-status', version: '0.2.0', state: 'starting' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');
    expect(readlinkSync(join(prefix, 'previous'))).toBe('versions/0.1.0');
    expect(await readFile(currentBin(), 'utf8')).toBe('// agent 0.2.0\n');
    expect(readUpgradeMarker()).toEqual({ from: '0.1.0', to: '0.2.0', at: '2026-01-01T00:00:00.000Z', starts: 0 });
    expect(existsSync(join(prefix, 'versions', '0.2.0.tgz'))).toBe(false);
  });

  it('refuses outside a versioned installation and changes nothing', async () => {
    const command = await servePackage('0.2.0');
    const checkoutBin = new URL('../../bin/baton-agent.js', import.meta.url).pathname;
    const answer = await installUpgrade(command, { binPath: checkoutBin, form: 'package', credential: CREDENTIAL, coordinatorTls: {}, now: new Date() });
    expect(answer.state).toBe('refused');
    expect(answer.message).toMatch(/not from a versioned installation/);
  });

  it('refuses in the single-file form, saying how that host is upgraded, and changes nothing', async () => {
    const command = await servePackage('0.2.0');
    const executable = '/usr/local/bin/baton-agent';
    const answer = await installUpgrade(command, { binPath: executable, form: 'executable', credential: CREDENTIAL, coordinatorTls: {}, now: new Date() });
    expect(answer).toMatchObject({ state: 'refused', message: `this host runs the single-file agent (${executable}); upgrade it by running install-agent.sh again` });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(readUpgradeMarker()).toBeUndefined();
  });

  it('fails without touching current when the download is refused or corrupt', async () => {
    const command = await servePackage('0.2.0');
    const unauthorised = await installUpgrade(command, { binPath: currentBin(), form: 'package', credential: 'wrong', coordinatorTls: {}, now: new Date() });
    expect(unauthorised.state).toBe('failed');
    const corrupt = await installUpgrade({ ...command, sha256: '0'.repeat(64) }, { binPath: currentBin(), form: 'package', credential: CREDENTIAL, coordinatorTls: {}, now: new Date() });
    expect(corrupt.state).toBe('failed');
    expect(corrupt.message).toMatch(/sha256/);
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(readUpgradeMarker()).toBeUndefined();
  });
});

describe('decideLaunch', () => {
  const at = Date.parse('2026-01-01T00:00:00Z');
  const limits = { deadlineMs: 120_000, maxStarts: 3 };
  const marker: UpgradeMarker = { from: '0.1.0', to: '0.2.0', at: new Date(at).toISOString(), starts: 0 };
  it.each([
    ['no upgrade pending', undefined, '0.1.0', at, { action: 'start' }],
    ['a marker for a version current does not name', marker, '0.1.0', at, { action: 'drop-marker' }],
    ['the first start of the new version', marker, '0.2.0', at + 1000, { action: 'try-new', starts: 1 }],
    ['a marker from before start counting', { ...marker, starts: undefined }, '0.2.0', at, { action: 'try-new', starts: 1 }],
    ['the last start allowed', { ...marker, starts: 2 }, '0.2.0', at + 1000, { action: 'try-new', starts: 3 }],
    ['one start too many', { ...marker, starts: 3 }, '0.2.0', at + 1000, { action: 'fall-back', reason: 'was started 3 times and never connected to the coordinator' }],
    ['past the deadline', marker, '0.2.0', at + 120_000, { action: 'fall-back', reason: 'did not connect to the coordinator within 120 s' }],
  ] as const)('%s', (_name, given, current, now, decision) => {
    expect(decideLaunch(given, current, now, limits)).toEqual(decision);
  });
});

describe('falling back from an upgrade that never connected', () => {
  beforeEach(async () => {
    await writeVersion(join(prefix, 'versions', '0.2.0'), '0.2.0');
    await symlink('versions/0.1.0', join(prefix, 'previous'));
    await rm(join(prefix, 'current'));
    await symlink('versions/0.2.0', join(prefix, 'current'));
  });

  it('prepareLaunch counts starts of the new version, then moves current back and leaves a record to report', async () => {
    writeUpgradeMarker({ from: '0.1.0', to: '0.2.0', at: new Date().toISOString(), starts: 0 });
    const limits = { deadlineMs: 60_000, maxStarts: 2 };
    expect(prepareLaunch(prefix, new Date(), limits)).toBeUndefined();
    expect(prepareLaunch(prefix, new Date(), limits)).toBeUndefined();
    expect(readUpgradeMarker()?.starts).toBe(2);
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');

    const record = prepareLaunch(prefix, new Date('2030-01-01T00:00:00Z'), limits);
    expect(record).toMatchObject({ from: '0.1.0', to: '0.2.0', at: '2030-01-01T00:00:00.000Z' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(readlinkSync(join(prefix, 'previous'))).toBe('versions/0.1.0');
    expect(readUpgradeMarker()).toBeUndefined();
    expect(readJsonFile(fallbackFile(prefix))).toEqual(record);

    const report = pendingFallbackReport(prefix);
    expect(report?.status).toMatchObject({ type: 'upgrade-status', version: '0.2.0', state: 'failed' });
    expect(report?.status.message).toMatch(/^agent 0\.2\.0 did not connect .*; fell back to 0\.1\.0/);
    await report?.forget();
    expect(pendingFallbackReport(prefix)).toBeUndefined();
  });

  it('a hello in time confirms the upgrade and installs its launcher; silence past the deadline falls back', async () => {
    const launcherSource = join(dir, 'launcher-source.mjs');
    await writeFile(launcherSource, '// launcher of 0.2.0\n');
    writeUpgradeMarker({ from: '0.1.0', to: '0.2.0', at: new Date().toISOString(), starts: 1 });
    const confirmed = watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 60_000, onReverted: () => {}, onError: () => {}, launcherSource });
    await confirmed.confirm();
    expect(readUpgradeMarker()).toBeUndefined();
    expect(await readFile(join(prefix, 'launcher.mjs'), 'utf8')).toBe('// launcher of 0.2.0\n');

    writeUpgradeMarker({ from: '0.1.0', to: '0.2.0', at: new Date().toISOString(), starts: 1 });
    const reverted = await new Promise((resolve, reject) => {
      watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 50, onReverted: resolve, onError: reject });
    });
    expect(reverted).toMatchObject({ from: '0.1.0', to: '0.2.0' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
  });

  it('ignores a marker written for another version', async () => {
    writeUpgradeMarker({ from: '0.1.0', to: '0.3.0', at: '2020-01-01T00:00:00.000Z' });
    let reverted = false;
    watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 0, onReverted: () => (reverted = true), onError: () => {} }).stop();
    expect(reverted).toBe(false);
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');
  });
});

describe('superviseAgent (the launcher without systemd)', () => {
  it('restarts a new version that exits at start until it has had its chances, then runs the previous one', async () => {
    const ran = join(dir, 'ran.log');
    await writeVersion(join(prefix, 'versions', '0.1.0'), '0.1.0', `require('node:fs').appendFileSync(${JSON.stringify(ran)}, '0.1.0 ' + process.argv.slice(2).join(' ') + '\\n');\n`);
    await writeVersion(join(prefix, 'versions', '0.2.0'), '0.2.0', `require('node:fs').appendFileSync(${JSON.stringify(ran)}, '0.2.0\\n'); process.exit(1);\n`);
    // CommonJS scripts: the fake versions have no package.json type.
    await writeFile(join(prefix, 'versions', '0.1.0', 'packages', 'agent', 'package.json'), JSON.stringify({ version: '0.1.0', type: 'commonjs' }));
    await writeFile(join(prefix, 'versions', '0.2.0', 'packages', 'agent', 'package.json'), JSON.stringify({ version: '0.2.0', type: 'commonjs' }));
    await rm(join(prefix, 'current'));
    await symlink('versions/0.2.0', join(prefix, 'current'));
    writeUpgradeMarker({ from: '0.1.0', to: '0.2.0', at: new Date().toISOString(), starts: 0 });

    const lines: string[] = [];
    const code = await superviseAgent(prefix, ['--root', '/r'], (line) => lines.push(line));

    expect(code).toBe(0);
    expect(await readFile(ran, 'utf8')).toBe('0.2.0\n0.2.0\n0.2.0\n0.1.0 run --root /r\n');
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(lines.at(-1)).toBe('agent 0.2.0 was started 3 times and never connected to the coordinator; falling back to 0.1.0');
    expect(pendingFallbackReport(prefix)?.status.version).toBe('0.2.0');
  });
});
