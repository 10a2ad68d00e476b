/**
 * How the agent decides that an `https://` coordinator is the right one. By default Node's own rules apply: the
 * system's authorities (plus NODE_EXTRA_CA_CERTS) and the host name. `caFile` trusts only that authority (a
 * private CA, or the coordinator's self-signed certificate). `fingerprint` pins one certificate: whatever signed
 * it and whatever names it carries, the coordinator must present exactly that certificate.
 *
 * Contract: nothing is sent on a connection before the certificate is accepted — the options returned here are
 * handed to node:https and ws, which check during the handshake; the pinned certificate itself is read with a
 * bare TLS handshake that sends no data.
 */
import type { PeerCertificate } from 'node:tls';
import type { ClientOptions } from 'ws';

export interface CoordinatorTrust {
  /** PEM file of the authority (or certificate) to trust instead of the system's. */
  readonly caFile?: string;
  /** `sha256:AB:CD:…` (colons and case optional) of the one certificate to accept. */
  readonly fingerprint?: string;
}

/** TLS options for node:https requests and ws connections to the coordinator. */
export interface TlsClientOptions {
  readonly ca?: string;
  readonly checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/**
 * The same options for a ws client. ws hands them to tls.connect as they are; its typings describe
 * `checkServerIdentity` as returning a boolean, which is not what tls.connect (and so ws) calls it for.
 */
export const webSocketTlsOptions = (tls: TlsClientOptions): ClientOptions => tls as ClientOptions;

/** What a fingerprint looks like once normalised: 64 upper-case hex digits. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha256:/i, '').replaceAll(':', '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

/**
 * The TLS options for `coordinatorUrl`, or {} for plain HTTP or Node's defaults. With a fingerprint, the
 * coordinator's certificate is fetched once (a handshake, nothing sent), checked against the pin, and then
 * trusted as the only authority, with the name check replaced by the pin.
 */
export async function coordinatorTlsOptions(trust: CoordinatorTrust, coordinatorUrl: string): Promise<TlsClientOptions> {
  const url = new URL(coordinatorUrl);
  if (url.protocol !== 'https:') return {};
  if (trust.fingerprint !== undefined) {
    const pinned = normaliseFingerprint(trust.fingerprint);
    if (pinned === undefined) throw new Error(`invalid coordinator fingerprint "${trust.fingerprint}": expected sha256:<64 hex digits>`);
    return { ca: await fetchPinnedCertificate(url, pinned), checkServerIdentity: (_host, cert) => matchesPin(cert, pinned) };
  }
  if (trust.caFile !== undefined) {
    const { readFile } = await import('node:fs/promises');
    try {
      return { ca: await readFile(trust.caFile, 'utf8') };
    } catch (error) {
      throw new Error(`cannot read the coordinator CA file ${trust.caFile}`, { cause: error });
    }
  }
  return {};
}

function matchesPin(cert: PeerCertificate, pinned: string): Error | undefined {
  const presented = normaliseFingerprint(cert.fingerprint256 ?? '');
  return presented === pinned ? undefined : new Error(`the coordinator presented certificate sha256:${cert.fingerprint256}, not the pinned one`);
}

/** Reads the certificate the coordinator presents, and returns it as PEM when it is the pinned one. */
async function fetchPinnedCertificate(url: URL, pinned: string): Promise<string> {
  const { connect } = await import('node:tls');
  const { isIP } = await import('node:net');
  const { X509Certificate } = await import('node:crypto');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const cert = await new Promise<PeerCertificate>((resolve, reject) => {
    // Verification is off only for this handshake: the certificate is judged by its fingerprint below, and the
    // socket is closed without a byte of application data.
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no TLS handshake from ${url.host} within 10 s`)));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve(peer);
    });
    socket.once('error', (error) => reject(new Error(`cannot reach ${url.host} to check its certificate: ${error.message}`, { cause: error })));
  });
  const mismatch = matchesPin(cert, pinned);
  if (mismatch) throw mismatch;
  return new X509Certificate(cert.raw).toString();
}
