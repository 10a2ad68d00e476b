import type { Hono } from 'hono';
import { ROUTE_DOCS } from './catalog.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';

/** Serves `GET <apiBase>/openapi.json` without auth; the document is built once, at the first request. */
export function openApiRoute(app: Hono, apiBase: string): void {
  let document: OpenApiDocument | undefined;
  app.get(`${apiBase}/openapi.json`, (c) => c.json((document ??= buildOpenApiDocument(ROUTE_DOCS))));
}
