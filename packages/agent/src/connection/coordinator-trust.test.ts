import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { coordinatorTlsOptions, normaliseFingerprint, webSocketTlsOptions, type TlsClientOptions } from './coordinator-trust.js';

/** A self-signed certificate for a name that is not the address we connect to: pins ignore names. */
function selfSigned(dir: string, name: string): { cert: string; key: string; certFile: string } {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`https://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function get(url: string, tls: TlsClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, tls, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('coordinator trust', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let served: ReturnType<typeof selfSigned>;
  let other: ReturnType<typeof selfSigned>;
  let requests = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-trust-'));
    served = selfSigned(dir, 'coordinator.internal');
    other = selfSigned(dir, 'someone-else');
    server = createServer({ cert: served.cert, key: served.key }, (_req, res) => {
      requests++;
      res.end('ok');
    });
    new WebSocketServer({ server }).on('connection', (socket) => socket.send('welcome'));
    url = await listen(server);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const fingerprintOf = (pem: string) => `sha256:${new X509Certificate(pem).fingerprint256}`;

  it('accepts the pinned certificate over HTTPS and WSS, whatever name it carries', async () => {
    const tls = await coordinatorTlsOptions({ fingerprint: fingerprintOf(served.cert).toLowerCase() }, url);
    expect(await get(`${url}/agent/v1/enroll`, tls)).toBe(200);
    const message = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`${url.replace('https', 'wss')}/agent/v1/connect`, webSocketTlsOptions(tls));
      socket.once('message', (data) => {
        socket.close();
        resolve(String(data));
      });
      socket.once('error', reject);
    });
    expect(message).toBe('welcome');
  });

  it('refuses a coordinator presenting another certificate, before sending anything', async () => {
    const before = requests;
    await expect(coordinatorTlsOptions({ fingerprint: fingerprintOf(other.cert) }, url)).rejects.toThrow(/not the pinned one/);
    expect(requests).toBe(before);
  });

  it('trusts only the CA file when one is given', async () => {
    expect(await get(url, await coordinatorTlsOptions({ caFile: served.certFile }, url).then((tls) => ({ ...tls, servername: 'coordinator.internal' })))).toBe(200);
    const wrongCa = await coordinatorTlsOptions({ caFile: other.certFile }, url);
    await expect(get(url, { ...wrongCa })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await expect(coordinatorTlsOptions({ caFile: join(dir, 'missing.pem') }, url)).rejects.toThrow(`cannot read the coordinator CA file ${join(dir, 'missing.pem')}`);
  });

  it('changes nothing for plain HTTP or without settings, and rejects a malformed fingerprint', async () => {
    expect(await coordinatorTlsOptions({ fingerprint: 'sha256:00' }, 'http://127.0.0.1:7070')).toEqual({});
    expect(await coordinatorTlsOptions({}, url)).toEqual({});
    await expect(coordinatorTlsOptions({ fingerprint: 'sha256:00' }, url)).rejects.toThrow('invalid coordinator fingerprint "sha256:00"');
    expect(normaliseFingerprint('ab:'.repeat(31) + 'ab')).toBe('AB'.repeat(32));
  });
});
