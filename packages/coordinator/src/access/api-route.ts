import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The route a request matched, in the terms of the route docs. */
export interface ApiRoute {
  /** Lower case, as in the docs; the request's own method for a route registered for every method. */
  readonly method: string;
  /** OpenAPI style, relative to the API's base: `/deployments/{id}/stop`. */
  readonly path: string;
  /** The path parameters, decoded: `{id: 'd-…'}`. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The handler route a request matched on the API sub-app mounted at `basePath`, seen from a middleware (which
 * runs before the handler, so Hono's own `c.req.param()` cannot answer yet). Undefined when only the API-wide
 * middleware (`app.use`, registered for every method on `basePath/*`) matched: a 404. Every other match of the
 * sub-app counts, so an unexpected registration (a path-scoped middleware, `all`, an unusual method) finds no
 * doc and is refused rather than slipping past. HEAD is answered by GET handlers.
 */
export function matchApiRoute(c: Context, basePath: string): ApiRoute | undefined {
  const apiWide = `${basePath}/*`;
  // Of the handlers, the first registered is the one that answers.
  const handler = matchedRoutes(c).find(
    (route) => route.basePath === basePath && !(route.method === 'ALL' && route.path === apiWide),
  );
  if (!handler) return undefined;
  const requested = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  const method = (handler.method === 'ALL' ? requested : handler.method).toLowerCase();
  const pattern = handler.path.slice(basePath.length).split('/');
  const actual = c.req.path.slice(basePath.length).split('/');
  const params: Record<string, string> = {};
  const path = pattern.map((segment, index) => {
    const name = /^:(\w+)/.exec(segment)?.[1];
    if (name === undefined) return segment;
    params[name] = decodeSegment(actual[index] ?? '');
    return `{${name}}`;
  });
  return { method, path: path.join('/'), params };
}

/** A malformed escape stays as sent: the handler then finds no such resource. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
