import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/** JSON bodies are small documents; anything bigger is refused before it is buffered. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Reads and validates a JSON request body. An empty body reads as `{}` so that requests whose fields are all
 * optional need none. Malformed JSON is a 400 `INVALID_JSON`; a schema mismatch throws the ZodError, which
 * the app answers with 400 `VALIDATION_ERROR`.
 */
export async function readJsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await readText(c.req.raw, MAX_JSON_BODY_BYTES);
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'INVALID_JSON', 'the request body is not valid JSON');
    }
  }
  return schema.parse(json);
}

/** The body as text; a 413 `PAYLOAD_TOO_LARGE` past `maxBytes`, without buffering more than that. */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  if (Number(request.headers.get('content-length')) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited (nor left to a `for await`, which awaits it): cancelling one branch of a cloned body settles
      // only once the other branch is cancelled too, so a clone read past the limit would hang the request.
      void reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds the limit of ${maxBytes} bytes`);
