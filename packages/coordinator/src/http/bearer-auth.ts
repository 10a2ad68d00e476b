import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/**
 * Middleware requiring `Authorization: Bearer <token>`: `authenticate` maps the token to its principal,
 * stored in the context variable `variable`; a missing or unknown token is a 401 `UNAUTHENTICATED`, told to
 * `refused` first (with the token as presented, if any) so that it can be recorded.
 */
export function bearerAuth<K extends string, T>(
  variable: K,
  authenticate: (token: string) => T | undefined,
  refused?: (c: Context, presented: string | undefined) => void,
): MiddlewareHandler<{ Variables: { [key in K]: T } }> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const principal = match?.[1] === undefined ? undefined : authenticate(match[1]);
    if (principal === undefined) {
      refused?.(c, match?.[1]);
      throw new ApiError(401, 'UNAUTHENTICATED', 'a valid bearer token is required');
    }
    c.set(variable, principal);
    await next();
  };
}
