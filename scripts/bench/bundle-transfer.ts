/**
 * Bundle transfer benchmark: a 50 MB bundle to 20 hosts through Baton (each host's download step: from the
 * coordinator's content-addressed store, sha256 verified) against a plain parallel download of the same file from
 * a static HTTP server, then the bytes a redeploy of the same revision moves (the hosts hold it: none).
 *
 *   npm run build && npx tsx scripts/bench/bundle-transfer.ts [--hosts 20] [--mb 50]
 *
 * The hosts are the agents' own download code run concurrently in this process, each with its own credential and
 * deployment directory; the coordinator is a real `baton server` process.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { create as createTar } from 'tar';
import { reuseCachedBundle } from '../../packages/agent/src/bundle/cached-bundle.js';
import { downloadBundle } from '../../packages/agent/src/bundle/download.js';
import { AgentPaths } from '../../packages/shared/src/protocol/enrollment.js';
import { startCoordinator, stopCoordinator } from './coordinator-process.js';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '20' }, mb: { type: 'string', default: '50' } } });
const HOSTS = Number(values.hosts);
const MEGABYTES = Number(values.mb);

const work = mkdtempSync(join(tmpdir(), 'baton-bench-transfer-'));
const servers: Server[] = [];
try {
  const bundle = await buildBundle(join(work, 'bundle'), MEGABYTES);
  const size = statSync(bundle).size;
  const coordinator = await startCoordinator(join(work, 'coordinator'));
  try {
    await coordinator.api.post('/api/v1/applications', { name: 'bench' });
    const revision = await coordinator.api.upload<{ sha256: string }>('/api/v1/applications/bench/revisions?bundleType=tgz', createReadStream(bundle), size);
    const hosts = await Promise.all(
      Array.from({ length: HOSTS }, async (_, i) => {
        const response = await fetch(`${coordinator.url}${AgentPaths.enroll}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: coordinator.enrollToken, name: `bench-${i}` }),
        });
        const { credential } = (await response.json()) as { credential: string };
        return { credential, root: join(work, 'hosts', `h${i}`, 'deployment-root') };
      }),
    );

    const staticUrl = await serveFile(bundle);
    const plain = await timed(() =>
      Promise.all(hosts.map(async (host, i) => {
        mkdirSync(join(work, 'plain'), { recursive: true });
        const response = await fetch(staticUrl);
        await pipeline(Readable.fromWeb(response.body as never), createWriteStream(join(work, 'plain', `h${i}`)));
      })),
    );

    // The redeploy goes through a counting proxy: whatever it moves is counted. The first deploy goes direct, so
    // its time compares with the plain download; the agents' own checks say every host received all its bytes.
    const { url: countingUrl, bytes } = await countingProxy(coordinator.url);
    const deployTo = (deployment: string, baseUrl: string) =>
      Promise.all(hosts.map(async (host) => {
        const destFile = join(host.root, 'dg-bench', deployment, 'bundle');
        mkdirSync(join(host.root, 'dg-bench', deployment), { recursive: true });
        await reuseCachedBundle(host.root, { sha256: revision.sha256, size }, destFile);
        const downloaded = await downloadBundle({
          url: `${baseUrl}${AgentPaths.revision(revision.sha256)}`,
          credential: host.credential,
          destFile,
          expectedSha256: revision.sha256,
          expectedSize: size,
        });
        if (!downloaded.ok) throw new Error(downloaded.error.message);
      }));
    const first = await timed(() => deployTo('d-1', coordinator.url));
    const redeploy = await timed(() => deployTo('d-2', countingUrl));
    const redeployBytes = bytes();

    const mb = (n: number) => (n / 1024 ** 2).toFixed(1);
    console.log(`bundle: ${mb(size)} MiB tgz, ${HOSTS} hosts`);
    console.log(`plain parallel download (static server, no check): ${plain.toFixed(0)} ms, ${mb(size * HOSTS)} MiB`);
    console.log(`baton first deploy (coordinator store, sha256 verified): ${first.toFixed(0)} ms, ${mb(size * HOSTS)} MiB`);
    console.log(`baton redeploy of the same revision: ${redeploy.toFixed(0)} ms, ${redeployBytes} bytes served`);
  } finally {
    await stopCoordinator(coordinator);
  }
} finally {
  for (const server of servers) server.close();
  rmSync(work, { recursive: true, force: true });
}

/** A tgz holding `megabytes` of random (incompressible) bytes and an appspec. */
async function buildBundle(dir: string, megabytes: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'appspec.yml'), 'version: 0.0\nos: linux\n');
  writeFileSync(join(dir, 'payload.bin'), randomBytes(megabytes * 1024 ** 2));
  const archive = join(work, 'bundle.tgz');
  await createTar({ gzip: true, file: archive, cwd: dir, portable: true }, ['appspec.yml', 'payload.bin']);
  return archive;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function serveFile(file: string): Promise<string> {
  return listen(createServer((_, response) => {
    response.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(response);
  }));
}

/** Forwards to `target`, counting the response body bytes it passes back. */
async function countingProxy(target: string): Promise<{ url: string; bytes: () => number }> {
  let bytes = 0;
  const url = await listen(createServer((incoming, outgoing) => {
    const forwarded = httpRequest(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.pipe(outgoing);
    });
    incoming.pipe(forwarded);
  }));
  return { url, bytes: () => bytes };
}
