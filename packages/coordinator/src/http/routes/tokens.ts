import { z } from 'zod';
import { applicationNames } from '../../access/principal-for-token.js';
import { Role } from '../../access/policy.js';
import { apiTokenState, createApiToken, listApiTokens, revokeApiToken, type ApiToken } from '../../store/api-tokens.js';
import type { Database } from '../../store/database.js';
import { ApiError } from '../errors.js';
import { requireApplication } from '../lookups.js';
import { IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { ResourceName } from '../schemas.js';

const MAX_TTL_SECONDS = 365 * 24 * 3600;

export const CreateApiToken = z.object({
  /** For people: who or what uses the token ("ci", "alice"). Defaults to the role. */
  name: z.string().trim().min(1).max(100).optional(),
  role: Role,
  /** Limits the token to these applications; absent: every application. */
  applications: z.array(ResourceName).min(1).optional(),
  /** Absent: the token never expires. */
  ttlSeconds: z.number().int().positive().max(MAX_TTL_SECONDS).optional(),
});

export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  /** Names of the applications the token is limited to; null: every application. */
  applications: z.array(z.string()).nullable(),
  state: z.enum(['active', 'expired', 'revoked']),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;

/** The answer to creating a token: the only time its text is shown. */
export const CreatedApiTokenView = ApiTokenView.extend({ token: z.string() });
export type CreatedApiTokenView = z.infer<typeof CreatedApiTokenView>;

const toApiTokenView = (db: Database, token: ApiToken, now: Date): ApiTokenView => ({
  id: token.id,
  name: token.name,
  role: token.role,
  applications: token.applicationIds === undefined ? null : applicationNames(db, token.applicationIds),
  state: apiTokenState(token, now),
  expiresAt: token.expiresAt ?? null,
  revokedAt: token.revokedAt ?? null,
  createdAt: token.createdAt,
});

/** API tokens: only an admin not limited to applications manages them (their docs need `administer` on no application). */
export const tokenRoutes: RouteModule = (api, { db, clock }) => {
  api.post('/tokens', async (c) => {
    const body = await readJsonBody(c, CreateApiToken);
    const applicationIds = body.applications && [...new Set(body.applications.map((name) => requireApplication(db, name).id))];
    const now = clock();
    const { apiToken, token } = createApiToken(
      db,
      {
        name: body.name ?? body.role,
        role: body.role,
        applicationIds,
        expiresAt: body.ttlSeconds === undefined ? undefined : new Date(now.getTime() + body.ttlSeconds * 1000),
      },
      now,
    );
    return c.json<CreatedApiTokenView>({ ...toApiTokenView(db, apiToken, now), token }, 201);
  });

  api.get('/tokens', (c) => {
    const now = clock();
    return c.json(listApiTokens(db).map((token) => toApiTokenView(db, token, now)));
  });

  /** Idempotent, like revoking an enrollment token; the last active unlimited admin token cannot be revoked. */
  api.delete('/tokens/:id', (c) => {
    const id = c.req.param('id');
    const now = clock();
    const revoked = revokeApiToken(db, id, now);
    if (revoked.ok) return c.json(toApiTokenView(db, revoked.value, now));
    if (revoked.error === 'NOT_FOUND') throw new ApiError(404, 'NOT_FOUND', `API token '${id}' not found`);
    throw new ApiError(409, 'LAST_ADMIN_TOKEN', `API token '${id}' is the last active admin token not limited to applications; create another before revoking it`);
  });
};

const tag = 'tokens';
export const tokenRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token with a role, optionally limited to applications and expiring (its text is shown once)',
    tag,
    permission: 'administer',
    body: CreateApiToken,
    response: CreatedApiTokenView,
    status: 201,
  },
  { method: 'get', path: '/tokens', summary: 'List API tokens (never their secrets)', tag, permission: 'administer', response: z.array(ApiTokenView) },
  {
    method: 'delete',
    path: '/tokens/{id}',
    summary: 'Revoke an API token (409 LAST_ADMIN_TOKEN for the last active unlimited admin)',
    tag,
    permission: 'administer',
    params: IdParams,
    response: ApiTokenView,
  },
];
