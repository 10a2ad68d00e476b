/**
 * A request's JSON body, read and parsed at most once per request, under the app's configured body limit.
 * Whoever needs it first (the access check, for routes that name their application in the body, or the
 * handler) parses it; the outcome is kept on the context, so the body is never cloned nor buffered twice.
 */
import { err, ok, type Result } from '@baton/shared';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/** The request body limit of an app not given one (`--max-request-body`'s default). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** A JSON body as parsed, or the 400 `INVALID_JSON` or 413 `PAYLOAD_TOO_LARGE` to answer for it. */
export type ParsedJsonBody = Result<unknown, ApiError>;

// Context variables of every request rather than of one app's Env: the agent endpoints (root app) and the
// admin API (its own Env) both read JSON bodies, and Hono's Context is not assignable across Envs.
declare module 'hono' {
  interface ContextVariableMap {
    /** The largest JSON body read; set for every request by `limitJsonBody`. */
    jsonBodyLimit: number | undefined;
    /** The one parse of the body, once something asked for it. */
    jsonBody: Promise<ParsedJsonBody> | undefined;
  }
}

/** Sets the JSON body limit for the requests it sees; the app mounts it before any route. */
export function limitJsonBody(maxBytes: number): MiddlewareHandler {
  return (c, next) => {
    c.set('jsonBodyLimit', maxBytes);
    return next();
  };
}

/**
 * The request's JSON body, read and parsed on the first call; later calls answer the same outcome without
 * reading again. An empty body reads as `{}` so that requests whose fields are all optional need none.
 * Rejects only when the body cannot be read at all (the connection failed).
 */
export function parseJsonBody<E extends Env>(c: Context<E>): Promise<ParsedJsonBody> {
  const parsed = c.get('jsonBody') ?? readJson(c.req.raw, requireLimit(c.get('jsonBodyLimit')));
  c.set('jsonBody', parsed);
  return parsed;
}

/**
 * Reads and validates a JSON request body (see `parseJsonBody`). Malformed JSON is a 400 `INVALID_JSON`, a
 * body over the limit a 413 `PAYLOAD_TOO_LARGE`; a schema mismatch throws the ZodError, which the app answers
 * with 400 `VALIDATION_ERROR`.
 */
export async function readJsonBody<T, E extends Env>(c: Context<E>, schema: z.ZodType<T>): Promise<T> {
  const parsed = await parseJsonBody(c);
  if (!parsed.ok) throw parsed.error;
  return schema.parse(parsed.value);
}

function requireLimit(maxBytes: number | undefined): number {
  if (maxBytes === undefined) throw new Error('no JSON body limit on this request: the app must mount limitJsonBody');
  return maxBytes;
}

async function readJson(request: Request, maxBytes: number): Promise<ParsedJsonBody> {
  const text = await readText(request, maxBytes);
  if (!text.ok) return text;
  if (text.value.trim() === '') return ok({});
  try {
    return ok(JSON.parse(text.value));
  } catch {
    return err(new ApiError(400, 'INVALID_JSON', 'the request body is not valid JSON'));
  }
}

/** The body as text, or a 413 past `maxBytes`, without buffering more than that. */
async function readText(request: Request, maxBytes: number): Promise<Result<string, ApiError>> {
  if (Number(request.headers.get('content-length')) > maxBytes) return err(tooLarge(maxBytes));
  if (!request.body) return ok('');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return ok(Buffer.concat(chunks).toString('utf8'));
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: the 413 need not wait until the rest of the body is discarded.
      void reader.cancel().catch(() => undefined);
      return err(tooLarge(maxBytes));
    }
    chunks.push(value);
  }
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds the limit of ${maxBytes} bytes`);
