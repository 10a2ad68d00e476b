/**
 * Fuzzing the admin API with an admin token: every route of the catalog (`ROUTE_DOCS`), with random and real
 * ids in the path, random query strings and query strings derived from the route's schema, JSON bodies derived
 * from the route's body schema and then mutated, random and invalid JSON, wrong content types. Whatever comes
 * in, the coordinator answers without a 500, every 4xx is `{code, message}`, and no promise rejection goes
 * unhandled. Requests go through `app.request()`; a sample also goes over real HTTP.
 */
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../../packages/coordinator/src/http/openapi/catalog.js';
import type { RouteDoc } from '../../packages/coordinator/src/http/openapi/route-doc.js';
import { seedDeploymentFixture } from '../../packages/coordinator/src/testing/deployment-fixture.test-support.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzzRuns } from '../harness/long-form.js';
import { startFuzzCoordinator, type FuzzCoordinator } from './support/fuzz-coordinator.js';
import { hostileValue, mutated, OVERSIZED_STRING } from './support/hostile-json.js';
import { failOnProcessFaults } from './support/process-faults.js';
import { arbitraryFor } from './support/zod-arbitrary.js';

const RUNS = fuzzRuns(300, 5000);
const HTTP_RUNS = fuzzRuns(40, 500);
/** A request that has not answered by then is a hang, unless its route holds requests open on purpose. */
const ANSWER_WITHIN_MS = 10_000;

// ---- real names --------------------------------------------------------------------------------------------

/**
 * Placeholders for the names of things that exist, resolved when the request is sent (the fuzz creates and
 * deletes things as it goes): with them, requests reach past the lookups into the handlers.
 */
const REAL = ['@app', '@group', '@host', '@deployment', '@revision', '@token', '@enrollment', '@variable', '@trigger'] as const;
type Real = (typeof REAL)[number];

const POOL_QUERIES: Record<Real, string> = {
  '@app': 'SELECT name AS v FROM applications WHERE deleted_at IS NULL',
  '@group': 'SELECT name AS v FROM deployment_groups WHERE deleted_at IS NULL',
  '@host': 'SELECT id AS v FROM hosts UNION ALL SELECT name FROM hosts',
  '@deployment': 'SELECT id AS v FROM deployments',
  '@revision': 'SELECT id AS v FROM revisions',
  '@token': 'SELECT id AS v FROM api_tokens',
  '@enrollment': 'SELECT id AS v FROM enrollment_tokens',
  '@variable': 'SELECT name AS v FROM variables',
  '@trigger': 'SELECT name AS v FROM triggers',
};

const realName = fc.constantFrom<string>(...REAL);

/** The kind of thing a path parameter names, by the parameter and the collection it follows. */
function kindOf(param: string, collection: string): Real | undefined {
  if (param === 'app') return '@app';
  if (param === 'group') return '@group';
  if (param === 'name') return collection === 'triggers' ? '@trigger' : '@variable';
  const byCollection: Record<string, Real> = {
    hosts: '@host',
    deployments: '@deployment',
    revisions: '@revision',
    tokens: '@token',
    'enrollment-tokens': '@enrollment',
  };
  return byCollection[collection];
}

/** A path parameter: mostly a real name of its kind, else another real name, a path-safe name, or what a path should never be. */
const pathValue = (kind: Real | undefined) =>
  fc.oneof(
    { weight: 6, arbitrary: kind ? fc.constant<string>(kind) : realName },
    { weight: 2, arbitrary: realName },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%', '%zz', 'a'.repeat(5000), '🚀', '\u202E', '{id}', '*', '"', "'", '%0d%0aX-Injected:%201') },
  );

// ---- requests ----------------------------------------------------------------------------------------------

interface FuzzRequest {
  /** The route's index in ROUTE_DOCS (kept as a number so that a counterexample prints short). */
  readonly route: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentType: string | undefined;
  readonly body: string | Uint8Array | undefined;
  /** Picks among the real names of a kind. */
  readonly pick: number;
}

const queryString = (doc: RouteDoc | undefined): fc.Arbitrary<string> => {
  const pairs = fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('limit', 'after', 'timeoutMs', 'force', 'follow', 'host', 'event', 'since', 'status', 'application', 'group', 'bundleType')), fc.oneof(realName, fc.string({ maxLength: 10 }), fc.constantFrom('-1', '0', '1e999', 'NaN', 'true', '', '9007199254740993'))), { maxLength: 4 });
  const fromSchema = doc?.query
    ? [mutated(arbitraryFor(doc.query, { strings: realName })), arbitraryFor(doc.query, { strings: realName })].map((arb) =>
        arb.map((value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item) ?? '']) : [])),
      )
    : [];
  return fc.oneof(
    ...[pairs, ...fromSchema].map((arb) => arb.map((entries) => new URLSearchParams(entries as [string, string][]).toString())),
    fc.constantFrom('', '%', '%%zz', '&&&', '=x', 'a=1&a=2', 'limit=1&limit=2', `x=${'y'.repeat(10_000)}`, 'follow=false&follow=true'),
  );
};

const jsonBody = (doc: RouteDoc | undefined): fc.Arbitrary<string | undefined> => {
  const schema = doc?.body !== undefined && doc.body !== 'binary' ? doc.body : undefined;
  const asText = (value: unknown) => JSON.stringify(value);
  const derived = schema
    ? [arbitraryFor(schema, { strings: realName }).map(asText), mutated(arbitraryFor(schema, { strings: realName })).map(asText)]
    : [];
  return fc.oneof(
    ...derived,
    fc.json({ maxDepth: 3 }),
    hostileValue.map(asText),
    fc.constantFrom(undefined, '', '{', '{"a":', '[1,]', 'nul', '\u0000', '\uFEFF{}', '{"__proto__":{"role":"admin"}}', 'x'.repeat(100)),
    fc.constant(JSON.stringify({ padding: OVERSIZED_STRING })),
  );
};

const binaryBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  // The first bytes of a gzip, a zip and a tar, with junk after.
  fc.tuple(fc.constantFrom([0x1f, 0x8b, 0x08], [0x50, 0x4b, 0x03, 0x04], [0x75, 0x73, 0x74, 0x61, 0x72]), fc.uint8Array({ maxLength: 256 })).map(([head, tail]) => Uint8Array.from([...head, ...tail])),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  undefined,
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '\u00ff/\u00ff',
);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

/** A request for one route of the catalog, or (rarely) for a path and method no route has. */
function requestFor(route: number | undefined): fc.Arbitrary<FuzzRequest> {
  const doc = docOf(route);
  const segments = (doc?.path ?? '/{a}/{b}').split('/').slice(1);
  return fc.record({
    route: fc.constant(route),
    method: doc ? fc.oneof({ weight: 9, arbitrary: fc.constant(doc.method.toUpperCase()) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }) : fc.constantFrom(...METHODS),
    path: fc
      .tuple(...segments.map((segment, index) => (/^\{.+\}$/.test(segment) ? pathValue(kindOf(segment.slice(1, -1), segments[index - 1] ?? '')) : fc.constant(segment))))
      .map((parts) => `/${parts.join('/')}`),
    query: queryString(doc),
    contentType,
    body: doc?.body === 'binary' ? fc.oneof(binaryBody, jsonBody(doc)) : jsonBody(doc),
    pick: fc.nat(),
  });
}

const docOf = (route: number | undefined): RouteDoc | undefined => (route === undefined ? undefined : ROUTE_DOCS[route]);

const anyRequest = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...ROUTE_DOCS.keys()).chain(requestFor) }, { weight: 1, arbitrary: requestFor(undefined) });

/** Routes that hold a request open on purpose: a long poll, a followed log, an event stream. */
const holdsOpen = (request: FuzzRequest): boolean => /\/(wait|events|logs)$/.test(docOf(request.route)?.path ?? '');

/**
 * One request on a connection of its own. A server may close a connection on which it refused a body before
 * reading it (413): a pooled client would then fail the *next* request sent on it, which is not that request's
 * answer.
 */
function sendOverHttp(url: URL, init: { method: string; headers: Headers; body: string | Uint8Array | undefined }): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Framed explicitly: node:http sends the body of an OPTIONS or DELETE unframed, which is not HTTP.
    const length = init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) };
    const request = httpRequest(url, { method: init.method, headers: { ...Object.fromEntries(init.headers), ...length }, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      const headers = new Headers(Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]])));
      // Answered at the head, like fetch: a stream's body is the caller's to read or cancel.
      resolve(new Response([101, 204, 205, 304].includes(status) ? null : (Readable.toWeb(response) as ReadableStream), { status, headers }));
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

// ---- the suite ---------------------------------------------------------------------------------------------

describe('fuzz: admin API requests', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  const faults = failOnProcessFaults();
  let coordinator: FuzzCoordinator;
  const statuses = new Map<number, number>();
  let held = 0;
  /** Requests still open on purpose (long polls); they end by themselves, and are cancelled at the end. */
  const stillOpen: Promise<unknown>[] = [];

  beforeAll(async () => {
    coordinator = await startFuzzCoordinator();
    await seedWorld();
  });

  afterAll(async () => {
    await coordinator?.close();
    await Promise.allSettled(stillOpen);
    console.info(`API fuzz: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}; ${held} held open on purpose`);
  });

  /** An application with a group, hosts, revisions, a deployment, a variable, a trigger and tokens: things to name. */
  async function seedWorld(): Promise<void> {
    const { db } = coordinator.server;
    const applicationName = `web-${Date.now().toString(36)}`;
    const fixture = seedDeploymentFixture(db, new Date(), { applicationName, hostCount: 2 });
    const post = (path: string, body: unknown, method = 'POST') =>
      coordinator.api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const group = `/applications/${applicationName}/deployment-groups/prod`;
    for (const response of await Promise.all([
      post('/deployments', { applicationName, deploymentGroupName: 'prod', revisionId: fixture.revisions[0]!.id }),
      post(`/applications/${applicationName}/variables/GREETING`, { value: 'hello' }, 'PUT'),
      post(`${group}/triggers`, { name: 'hook', url: 'http://127.0.0.1:9/hook', events: ['DeploymentSuccess'] }),
      post('/tokens', { name: 'viewer', role: 'viewer' }),
      post('/enrollment-tokens', {}),
    ])) {
      expect(response.status, `seeding: ${await response.clone().text()}`).toBeLessThan(300);
    }
  }

  /** The real names of a kind that exist now; our own admin token is never among them (revoking it ends the fuzz). */
  function pool(kind: Real): string[] {
    const names = (coordinator.server.db.prepare(POOL_QUERIES[kind]).all() as { v: string }[]).map(({ v }) => v);
    if (kind !== '@token') return names;
    const own = coordinator.server.db.prepare('SELECT id FROM api_tokens ORDER BY created_at LIMIT 1').get() as { id: string };
    return names.filter((id) => id !== own.id);
  }

  const resolve = (text: string, pick: number, encode: (name: string) => string): string =>
    text.replace(/(?:@|%40)(app|group|host|deployment|revision|token|enrollment|variable|trigger)\b/g, (_, kind: string) => {
      const names = pool(`@${kind}` as Real);
      return names.length === 0 ? 'none' : encode(names[pick % names.length]!);
    });

  async function send(request: FuzzRequest, via: 'app' | 'http'): Promise<Response | 'held'> {
    const headers = new Headers({ authorization: `Bearer ${coordinator.adminToken}` });
    if (request.contentType !== undefined) headers.set('content-type', request.contentType);
    const body =
      request.method === 'GET' || request.method === 'HEAD' || request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? resolve(request.body, request.pick, (name) => JSON.stringify(name).slice(1, -1))
          : request.body;
    const path = resolve(request.path, request.pick, encodeURIComponent);
    const query = request.query === '' ? '' : `?${resolve(request.query, request.pick, encodeURIComponent)}`;
    const url = `/api/v1${path}${query}`;
    const init = { method: request.method, headers, body };
    const answer =
      via === 'app' ? Promise.resolve(coordinator.server.app.request(url, init)) : sendOverHttp(new URL(url, coordinator.server.url), init);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([answer, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS)))]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    expect(holdsOpen(request), `${request.method} ${url} did not answer within ${ANSWER_WITHIN_MS} ms`).toBe(true);
    stillOpen.push(answer.then((response) => response.body?.cancel()));
    return 'held';
  }

  async function expectHandled(request: FuzzRequest, via: 'app' | 'http'): Promise<void> {
    const response = await send(request, via);
    if (response === 'held') {
      held += 1;
      return;
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const what = `${request.method} ${request.path}?${request.query} → ${response.status}`;
    expect(response.status, what).toBeLessThan(500);
    if (response.status >= 400 && request.method !== 'HEAD') {
      const body: unknown = JSON.parse(await response.text());
      expect(body, what).toEqual({ code: expect.any(String), message: expect.any(String) });
    } else if (response.headers.get('content-type')?.includes('text/event-stream') || holdsOpen(request)) {
      // A stream: its head is the answer; what follows is not this request's to wait for.
      await response.body?.cancel();
    } else {
      await response.arrayBuffer();
    }
    // Keep something to name: a fuzzed delete may have removed the application.
    if (pool('@app').length === 0) await seedWorld();
  }

  it('answers every request without a 500, and every 4xx with {code, message}', async () => {
    await fc.assert(fc.asyncProperty(anyRequest, (request) => expectHandled(request, 'app')), { numRuns: RUNS });
    expect(coordinator.loggedErrors).toEqual([]);
    expect(faults.seen).toEqual([]);
  });

  it('answers a sample the same way over real HTTP', async () => {
    await fc.assert(fc.asyncProperty(anyRequest, (request) => expectHandled(request, 'http')), { numRuns: HTTP_RUNS });
    expect(coordinator.loggedErrors).toEqual([]);
    expect(faults.seen).toEqual([]);
  });
});
