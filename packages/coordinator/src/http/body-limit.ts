import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiErrorBody } from './errors.js';

/** The bundle upload streams to the blob store under its own, larger limit (`maxUploadBytes`). */
const BUNDLE_UPLOAD = /^\/api\/v1\/applications\/[^/]+\/revisions\/?$/;
const isBundleUpload = (c: Context): boolean => c.req.method === 'POST' && BUNDLE_UPLOAD.test(c.req.path);

/**
 * Refuses a request body over `maxBytes` with 413 `PAYLOAD_TOO_LARGE`, by its Content-Length at once or, for a
 * chunked body, as soon as that many bytes have been read; never buffered past the limit. The answer says
 * `Connection: close`: the unread rest of the body makes the connection unusable, and a client that pools
 * connections must not send its next request on it.
 */
export function limitRequestBody(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json<ApiErrorBody>(
        { code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${maxBytes} bytes` },
        413,
        { connection: 'close' },
      ),
  });
  return (c, next) => (isBundleUpload(c) ? next() : limit(c, next));
}
