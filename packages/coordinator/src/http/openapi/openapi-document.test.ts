import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';
import { applicationRouteDocs } from '../routes/applications.js';
import { deploymentGroupRouteDocs } from '../routes/deployment-groups.js';
import { deploymentRouteDocs } from '../routes/deployments.js';
import { hostRouteDocs } from '../routes/hosts.js';
import { revisionRouteDocs } from '../routes/revisions.js';
import { ROUTE_DOCS } from './catalog.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';

const API_BASE = '/api/v1';
const PUBLIC_ROUTES = new Set([`GET ${API_BASE}/openapi.json`]);

describe('the OpenAPI document', () => {
  let running: CliTestServer;
  let served: OpenApiDocument;

  beforeAll(async () => {
    // The coordinator as `baton server` starts it, with the routes of every service in SERVER_SERVICES.
    running = await startCliTestServer();
    const response = await fetch(`${running.server.url}${API_BASE}/openapi.json`);
    expect(response.status).toBe(200);
    served = (await response.json()) as OpenApiDocument;
  });
  afterAll(() => running.close());

  it('has a doc for every mounted admin route, and a mounted route for every doc', () => {
    const mounted = new Set(
      running.server.app.routes
        .filter((route) => route.method !== 'ALL' && route.path.startsWith(`${API_BASE}/`))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((route) => !PUBLIC_ROUTES.has(route)),
    );
    const documented = new Set(ROUTE_DOCS.map((doc) => `${doc.method.toUpperCase()} ${API_BASE}${doc.path}`));
    expect([...mounted].filter((route) => !documented.has(route)), 'mounted routes without a doc').toEqual([]);
    expect([...documented].filter((route) => !mounted.has(route)), 'docs without a mounted route').toEqual([]);
  });

  it('is served without a token, as built from the catalog', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(ROUTE_DOCS))));
    expect(served.openapi).toBe('3.1.0');
  });

  it('declares every path parameter of every path, and only those', () => {
    for (const [path, operations] of Object.entries(served.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect(declared, `${method} ${path}`).toEqual(inPath);
      }
    }
  });

  it('resolves every $ref, and gives each operation a unique id and its permission', () => {
    const refs = collectRefs(served);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolvePointer(served, ref), ref).toBeDefined();
    const operations = Object.values(served.paths).flatMap((byMethod) => Object.values(byMethod));
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
    for (const op of operations) expect(['read', 'deploy', 'administer']).toContain(op['x-baton-permission']);
  });

  it('describes request bodies from the handlers’ own schemas', () => {
    const patchGroup = served.paths['/applications/{app}/deployment-groups/{group}']?.patch;
    const ref = (patchGroup?.requestBody?.content['application/json']?.schema as { $ref: string }).$ref;
    const schema = resolvePointer(served, ref) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'hostSelector', 'strategy', 'autoRollback']));
    expect(schema.additionalProperties).toBe(false);
    const deleteApp = served.paths['/applications/{app}']?.delete;
    expect(deleteApp?.parameters).toContainEqual(expect.objectContaining({ name: 'force', in: 'query', required: false }));
    expect(Object.keys(deleteApp?.responses ?? {})).toContain('204');
  });

  it('reads for GETs of the fleet and deployments, deploys for deployments and revisions, administers the rest', () => {
    const permission = (method: string, path: string) => ROUTE_DOCS.find((doc) => doc.method === method && doc.path === path)?.permission;
    const resources = [applicationRouteDocs, deploymentGroupRouteDocs, hostRouteDocs, revisionRouteDocs, deploymentRouteDocs].flat();
    for (const doc of resources.filter((d) => d.method === 'get')) expect(doc.permission, doc.path).toBe('read');
    expect(permission('get', '/backup')).toBe('administer');
    expect(permission('post', '/deployments/{id}/stop')).toBe('deploy');
    expect(permission('post', '/applications/{app}/revisions')).toBe('deploy');
    expect(permission('delete', '/hosts/{id}')).toBe('administer');
    expect(permission('patch', '/applications/{app}/deployment-groups/{group}')).toBe('administer');
  });
});

function collectRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(collectRefs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : collectRefs(inner)));
}

function resolvePointer(document: unknown, ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
}
