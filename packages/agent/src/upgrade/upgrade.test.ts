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
import { watchPendingUpgrade } from './pending-upgrade.js';
import { installUpgrade } from './upgrade-agent.js';
import { readUpgradeMarker, revertStaleUpgrade, writeUpgradeMarker } from './upgrade-marker.js';
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

async function writeVersion(versionDir: string, version: string): Promise<void> {
  await mkdir(join(versionDir, 'packages', 'agent', 'bin'), { recursive: true });
  await writeFile(join(versionDir, BIN), `// agent ${version}\n`);
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
    const answer = await installUpgrade(command, { binPath: currentBin(), credential: CREDENTIAL, now: new Date('2026-01-01T00:00:00Z') });

    expect(answer).toMatchObject({ type: 'upgrade-status', version: '0.2.0', state: 'starting' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');
    expect(readlinkSync(join(prefix, 'previous'))).toBe('versions/0.1.0');
    expect(await readFile(currentBin(), 'utf8')).toBe('// agent 0.2.0\n');
    expect(readUpgradeMarker(prefix)).toEqual({ from: '0.1.0', to: '0.2.0', at: '2026-01-01T00:00:00.000Z' });
    expect(existsSync(join(prefix, 'versions', '0.2.0.tgz'))).toBe(false);
  });

  it('refuses outside a versioned installation and changes nothing', async () => {
    const command = await servePackage('0.2.0');
    const checkoutBin = new URL('../../bin/baton-agent.js', import.meta.url).pathname;
    const answer = await installUpgrade(command, { binPath: checkoutBin, credential: CREDENTIAL, now: new Date() });
    expect(answer.state).toBe('refused');
    expect(answer.message).toMatch(/not from a versioned installation/);
  });

  it('fails without touching current when the download is refused or corrupt', async () => {
    const command = await servePackage('0.2.0');
    const unauthorised = await installUpgrade(command, { binPath: currentBin(), credential: 'wrong', now: new Date() });
    expect(unauthorised.state).toBe('failed');
    const corrupt = await installUpgrade({ ...command, sha256: '0'.repeat(64) }, { binPath: currentBin(), credential: CREDENTIAL, now: new Date() });
    expect(corrupt.state).toBe('failed');
    expect(corrupt.message).toMatch(/sha256/);
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(readUpgradeMarker(prefix)).toBeUndefined();
  });
});

describe('falling back from an upgrade that never connected', () => {
  beforeEach(async () => {
    await writeVersion(join(prefix, 'versions', '0.2.0'), '0.2.0');
    await symlink('versions/0.1.0', join(prefix, 'previous'));
    await rm(join(prefix, 'current'));
    await symlink('versions/0.2.0', join(prefix, 'current'));
  });

  it('reverts current only once the marker is older than the deadline', async () => {
    await writeUpgradeMarker(prefix, { from: '0.1.0', to: '0.2.0', at: '2026-01-01T00:00:00.000Z' });
    expect(await revertStaleUpgrade(prefix, new Date('2026-01-01T00:01:00Z'), 120_000)).toBeUndefined();
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');

    expect(await revertStaleUpgrade(prefix, new Date('2026-01-01T00:02:00Z'), 120_000)).toMatchObject({ from: '0.1.0' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
    expect(readUpgradeMarker(prefix)).toBeUndefined();
  });

  it('a hello in time confirms the upgrade; silence past the deadline reverts and asks for a restart', async () => {
    await writeUpgradeMarker(prefix, { from: '0.1.0', to: '0.2.0', at: new Date().toISOString() });
    const confirmed = watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 60_000, onReverted: () => {}, onError: () => {} });
    await confirmed.confirm();
    expect(readUpgradeMarker(prefix)).toBeUndefined();

    await writeUpgradeMarker(prefix, { from: '0.1.0', to: '0.2.0', at: new Date().toISOString() });
    const reverted = await new Promise((resolve, reject) => {
      watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 50, onReverted: resolve, onError: reject });
    });
    expect(reverted).toMatchObject({ from: '0.1.0', to: '0.2.0' });
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.1.0');
  });

  it('ignores a marker written for another version', async () => {
    await writeUpgradeMarker(prefix, { from: '0.1.0', to: '0.3.0', at: '2020-01-01T00:00:00.000Z' });
    let reverted = false;
    watchPendingUpgrade({ prefix, agentVersion: '0.2.0', deadlineMs: 0, onReverted: () => (reverted = true), onError: () => {} }).stop();
    expect(reverted).toBe(false);
    expect(readlinkSync(join(prefix, 'current'))).toBe('versions/0.2.0');
  });
});
