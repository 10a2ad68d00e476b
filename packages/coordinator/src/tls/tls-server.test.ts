import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.js';
import { parseServerConfig, type ServerConfigInput } from '../config.js';
import { startServer, type RunningServer } from '../server.js';
import { fingerprintOf } from './server-certificate.js';

/** GETs over HTTPS trusting only `ca`; resolves to the status, or rejects with the TLS error. */
function getStatus(url: string, ca: string | undefined, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the coordinator over TLS', () => {
  let root: string;
  let running: RunningServer | undefined;
  const printed: string[] = [];
  const start = async (input: ServerConfigInput) => {
    const config = parseServerConfig({ listen: '127.0.0.1:0', ...input });
    if (!config.ok) throw new Error(config.error);
    return startServer(config.value, { logger: pino({ level: 'silent' }), print: (line) => printed.push(line) });
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'baton-tls-'));
    printed.length = 0;
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('generates a self-signed certificate once, prints its fingerprint, and serves HTTPS with it', async () => {
    const dataDir = join(root, 'data');
    running = await start({ dataDir, tlsSelfSigned: true });
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const cert = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    const fingerprint = fingerprintOf(cert);
    expect(fingerprint).toMatch(/^sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(printed).toContain(`TLS certificate fingerprint (for baton-agent --coordinator-fingerprint): ${fingerprint}`);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();

    expect(await getStatus(`${running.url}/api/v1/applications`, cert, token)).toBe(200);
    await expect(getStatus(`${running.url}/api/v1/applications`, undefined, token)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    // The CLI, which trusts only the system's authorities here, says how to trust the coordinator.
    await expect(new ApiClient({ baseUrl: running.url, token }).get('/api/v1/applications')).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringContaining('set NODE_EXTRA_CA_CERTS to a copy of its certificate, <data-dir>/tls/cert.pem'),
    });

    // A restart keeps the certificate, so pinned agents keep trusting the coordinator.
    await running.close();
    printed.length = 0;
    running = await start({ dataDir, tlsSelfSigned: true });
    expect(readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8')).toBe(cert);
    expect(printed.some((line) => line.startsWith('Generated'))).toBe(false);
    expect(await getStatus(`${running.url}/api/v1/applications`, cert, token)).toBe(200);
  });

  it("serves the operator's certificate files", async () => {
    const first = await start({ dataDir: join(root, 'a'), tlsSelfSigned: true });
    await first.close();
    const certFile = join(root, 'a', 'tls', 'cert.pem');
    running = await start({ dataDir: join(root, 'b'), tlsCertFile: certFile, tlsKeyFile: join(root, 'a', 'tls', 'key.pem') });
    const token = readFileSync(join(root, 'b', 'admin-token'), 'utf8').trim();
    expect(await getStatus(`${running.url}/api/v1/applications`, readFileSync(certFile, 'utf8'), token)).toBe(200);
  });

  it('refuses a certificate without its key, and a missing file with its path', async () => {
    expect(parseServerConfig({ dataDir: root, tlsCertFile: '/x.pem' })).toEqual({ ok: false, error: expect.stringContaining('tlsKeyFile: give both') });
    await expect(start({ dataDir: join(root, 'c'), tlsCertFile: join(root, 'nope.pem'), tlsKeyFile: join(root, 'nope.key') })).rejects.toThrow(
      `cannot read the TLS certificate ${join(root, 'nope.pem')}`,
    );
  });
});
