/**
 * The OpenAPI 3.1 document of the admin API, built from the route docs (see route-doc.ts) with zod's own JSON
 * Schema conversion of the very schemas the handlers validate with. Request bodies become named components (one
 * per schema object, named after the first route that uses it); path and query parameters are listed one by one.
 * Schemas describe what a client may send (`io: 'input'`): defaults are optional, transforms show their input.
 */
import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /** The permission an API token's role needs (see access/policy.ts). */
  readonly 'x-baton-permission': RouteDoc['permission'];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Record<string, { readonly schema: JsonSchema }> };
  readonly responses: Record<string, { readonly description: string; readonly content?: Record<string, { readonly schema: JsonSchema }> }>;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly security: readonly Record<string, readonly string[]>[];
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly securitySchemes: Record<string, JsonSchema>;
  };
}

const COMPONENTS = '#/components/schemas/';
const ERROR_REF = { $ref: `${COMPONENTS}Error` };
const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Every error answer: a machine code clients branch on, and a message for people.',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
};
const BINARY_BODY = { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } };

/** The version of the API's contract (the `/api/v1` prefix), not of the coordinator. */
const API_VERSION = '1';

/** Builds the document; throws when two docs claim the same method and path (a bug in a route module). */
export function buildOpenApiDocument(docs: readonly RouteDoc[]): OpenApiDocument {
  const bodyNames = nameBodySchemas(docs);
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const doc of docs) {
    const operations = (paths[doc.path] ??= {});
    if (operations[doc.method]) throw new Error(`two route docs for ${doc.method.toUpperCase()} ${doc.path}`);
    operations[doc.method] = toOperation(doc, bodyNames);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton admin API',
      version: API_VERSION,
      description: 'Every route needs `Authorization: Bearer <API token>`; `x-baton-permission` names what its role must allow.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    tags: [...new Set(docs.map((doc) => doc.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA, ...toComponentSchemas(bodyNames) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

function toOperation(doc: RouteDoc, bodyNames: ReadonlyMap<z.ZodType, string>): OpenApiOperation {
  const parameters = [...toParameters(doc.params, 'path'), ...toParameters(doc.query, 'query')];
  const success = String(doc.status ?? 200);
  return {
    operationId: toOperationId(doc),
    summary: doc.summary,
    tags: [doc.tag],
    'x-baton-permission': doc.permission,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body === undefined ? {} : { requestBody: toRequestBody(doc.body, bodyNames) }),
    responses: {
      [success]: toSuccess(doc, success),
      default: { description: 'An error', content: { 'application/json': { schema: ERROR_REF } } },
    },
  };
}

function toSuccess(doc: RouteDoc, status: string): OpenApiOperation['responses'][string] {
  const description = status === '204' ? 'Done; no content' : 'Success';
  if (doc.produces) return { description, content: { [doc.produces]: { schema: { type: 'string' } } } };
  if (status === '204') return { description };
  const schema = doc.response ? toInlineSchema(doc.response) : {};
  return { description, content: { 'application/json': { schema } } };
}

function toRequestBody(body: z.ZodType | 'binary', bodyNames: ReadonlyMap<z.ZodType, string>): NonNullable<OpenApiOperation['requestBody']> {
  if (body === 'binary') return { required: true, content: BINARY_BODY };
  return { required: true, content: { 'application/json': { schema: { $ref: `${COMPONENTS}${bodyNames.get(body)!}` } } } };
}

function toParameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): OpenApiParameter[] {
  if (!schema) return [];
  const json = toInlineSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

/** One name per body schema object: `<operationId>Body`, or `Body` alone when the route has no better name. */
function nameBodySchemas(docs: readonly RouteDoc[]): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const doc of docs) {
    if (doc.body === undefined || doc.body === 'binary' || names.has(doc.body)) continue;
    const id = toOperationId(doc);
    names.set(doc.body, `${id.charAt(0).toUpperCase()}${id.slice(1)}Body`);
  }
  return names;
}

/** The body schemas converted together, so a schema used inside another is a `$ref` to its component. */
function toComponentSchemas(bodyNames: ReadonlyMap<z.ZodType, string>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of bodyNames) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, stripMeta(schema as JsonSchema)]));
}

function toInlineSchema(schema: z.ZodType): JsonSchema {
  return stripMeta(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** `$schema` and `$id` belong to standalone JSON Schema files, not to schemas inside an OpenAPI document. */
function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** `patch /applications/{app}/deployment-groups/{group}` → `patchApplicationsAppDeploymentGroupsGroup`. */
export function toOperationId(doc: Pick<RouteDoc, 'method' | 'path'>): string {
  const words = doc.path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return doc.method + words.map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`).join('');
}
