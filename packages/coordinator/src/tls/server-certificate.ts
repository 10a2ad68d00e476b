import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';

/** What the HTTPS server is started with. */
export interface ServerCertificate {
  readonly cert: string;
  readonly key: string;
  /** `sha256:` and the certificate's SHA-256 digest in colon-separated hex: what an agent pins. */
  readonly fingerprint: string;
  /** Set when Baton generated the certificate on this start. */
  readonly generatedAt?: string;
}

export type CertificateSource =
  | { readonly kind: 'files'; readonly certFile: string; readonly keyFile: string }
  | { readonly kind: 'selfSigned'; readonly dataDir: string; readonly listenHost: string };

const SELF_SIGNED_DAYS = 825;

/**
 * The certificate to serve: the operator's files, or a self-signed one kept at `<dataDir>/tls/` — generated on
 * the first start and reused after, so agents that pinned its fingerprint keep trusting the coordinator.
 */
export async function loadServerCertificate(source: CertificateSource): Promise<ServerCertificate> {
  if (source.kind === 'files') return readCertificate(source.certFile, source.keyFile);
  const dir = join(source.dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) return readCertificate(certFile, keyFile);
  const { cert, key } = await generateSelfSigned(namesFor(source.listenHost));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert, { mode: 0o644 });
  return { cert, key, fingerprint: fingerprintOf(cert), generatedAt: certFile };
}

/** `sha256:AB:CD:…` of a PEM certificate, the form `baton-agent --coordinator-fingerprint` accepts. */
export function fingerprintOf(certPem: string): string {
  return `sha256:${new X509Certificate(certPem).fingerprint256}`;
}

function readCertificate(certFile: string, keyFile: string): ServerCertificate {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${file}`, { cause: error });
    }
  };
  const cert = read(certFile, 'certificate');
  return { cert, key: read(keyFile, 'key'), fingerprint: fingerprintOf(cert) };
}

/** Names the certificate is valid for: loopback, this machine's name, and the listen address when specific. */
function namesFor(listenHost: string): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  if (isIP(listenHost)) {
    if (listenHost !== '0.0.0.0' && listenHost !== '::') ips.add(listenHost);
  } else {
    dns.add(listenHost);
  }
  return { dns: [...dns], ips: [...ips] };
}

async function generateSelfSigned(names: { dns: string[]; ips: string[] }): Promise<{ cert: string; key: string }> {
  // Loaded only for a first start with --tls-self-signed: the library brings an X.509 toolkit.
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: names.dns[1] ?? 'baton-coordinator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      // Its own trust anchor: an agent given this certificate as its CA file verifies the chain.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
