/**
 * HTTP(S) requests over node:http / node:https rather than fetch: the first fetch loads undici and compiles
 * its WebAssembly parser, about 19 MB that the agent would then carry for the rest of its life.
 *
 * Contract: resolves with the response once its head has arrived (the caller reads or discards the body);
 * rejects on a transport failure, on `signal`, and when the connection stays silent for IDLE_TIMEOUT_MS (the
 * limit fetch applied to headers and body).
 */
import type { IncomingMessage } from 'node:http';
import type { TlsClientOptions } from './connection/coordinator-trust.js';

export const IDLE_TIMEOUT_MS = 300_000;

export interface HttpRequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** How to check an https server's certificate (the coordinator's trust settings); Node's defaults otherwise. */
  readonly tls?: TlsClientOptions;
}

export async function sendHttpRequest(url: string, options: HttpRequestOptions = {}): Promise<IncomingMessage> {
  // node:https loads TLS: only an https coordinator pays for it.
  const { request } = new URL(url).protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      ...options.tls,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.setTimeout(IDLE_TIMEOUT_MS, () => outgoing.destroy(new Error(`no answer from ${url} for ${IDLE_TIMEOUT_MS / 1000} s`)));
    outgoing.end(options.body);
  });
}

/** Reads the whole body as UTF-8 text. */
export async function readBodyText(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}
