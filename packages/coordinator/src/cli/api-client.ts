import type { Readable } from 'node:stream';

/** A failed API call, carrying the server's machine code (or a client-side one such as `UNREACHABLE`). */
export class ApiClientError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiClientError';
  }
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token?: string | undefined;
}

/**
 * A small client of the admin API: JSON in and out, bearer auth, and every `{code, message}` error answer
 * turned into an ApiClientError. Responses are typed by the caller with the API's view types.
 */
export class ApiClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** POSTs a raw byte stream (a bundle) without buffering it. */
  upload<T>(path: string, body: Readable, size?: number): Promise<T> {
    return this.request<T>('POST', path, {
      body,
      contentType: 'application/octet-stream',
      ...(size === undefined ? {} : { contentLength: size }),
    });
  }

  /**
   * GETs a streamed answer (`baton logs --follow`): resolves once the headers are in, with the body still
   * arriving. An error answer is read whole and thrown like any other.
   */
  async stream(path: string, accept: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', path, accept);
    if (!response.body) throw new ApiClientError(response.status, 'EMPTY_RESPONSE', `${path} answered without a body`);
    return response.body;
  }

  private async request<T>(
    method: string,
    path: string,
    payload?: { body: string | Readable; contentType: string; contentLength?: number },
  ): Promise<T> {
    const response = await this.send(method, path, 'application/json', payload);
    return parseJson(await response.text()) as T;
  }

  /** Sends a request; an error answer is read whole and thrown as an ApiClientError. */
  private async send(
    method: string,
    path: string,
    accept: string,
    payload?: { body: string | Readable; contentType: string; contentLength?: number },
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (payload) headers['content-type'] = payload.contentType;
    if (payload?.contentLength !== undefined) headers['content-length'] = String(payload.contentLength);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(payload ? { body: payload.body as RequestInit['body'], duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
      const reason = cause ? cause.message : String(error);
      throw new ApiClientError(undefined, 'UNREACHABLE', `cannot reach ${this.baseUrl}: ${reason}${trustHint(cause)}`, { cause: error });
    }
    if (response.ok) return response;
    const text = await response.text();
    throw toApiClientError(response.status, parseJson(text), text);
  }
}

/** Node's codes for a certificate it could not trust (as opposed to one that is plainly wrong). */
const UNTRUSTED_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** For a coordinator whose certificate this machine does not trust yet (`--tls-self-signed`, a private CA): how to trust it. */
function trustHint(cause: Error | undefined): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !UNTRUSTED_CERTIFICATE_CODES.has(code)) return '';
  return ' (to trust the coordinator, set NODE_EXTRA_CA_CERTS to a copy of its certificate, <data-dir>/tls/cert.pem, or of your CA; see docs/transport-security.md)';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiClientError(status: number, json: unknown, text: string): ApiClientError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
  const message = typeof body.message === 'string' ? body.message : text.trim().slice(0, 200) || `HTTP ${status}`;
  return new ApiClientError(status, code, message);
}
