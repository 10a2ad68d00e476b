import { z } from 'zod';
import { createEnrollmentToken, listEnrollmentTokens, revokeEnrollmentToken } from '../../store/enrollment-tokens.js';
import { ApiError } from '../errors.js';
import { IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { toEnrollmentTokenView, type CreatedEnrollmentTokenView } from '../views.js';

const MAX_TTL_SECONDS = 365 * 24 * 3600;
export const CreateEnrollmentToken = z.object({ ttlSeconds: z.number().int().positive().max(MAX_TTL_SECONDS).optional() });

export const enrollmentTokenRoutes: RouteModule = (api, { db, clock, enrollTokenTtlMs }) => {
  api.post('/enrollment-tokens', async (c) => {
    const { ttlSeconds } = await readJsonBody(c, CreateEnrollmentToken);
    const ttlMs = ttlSeconds === undefined ? enrollTokenTtlMs : ttlSeconds * 1000;
    const { enrollmentToken, token } = createEnrollmentToken(db, ttlMs, clock());
    return c.json<CreatedEnrollmentTokenView>({ id: enrollmentToken.id, token, expiresAt: enrollmentToken.expiresAt }, 201);
  });

  api.get('/enrollment-tokens', (c) => {
    const now = clock();
    return c.json(listEnrollmentTokens(db).map((token) => toEnrollmentTokenView(token, now)));
  });

  /** Revoking is idempotent: revoking a revoked token answers it unchanged. */
  api.delete('/enrollment-tokens/:id', (c) => {
    const now = clock();
    const token = revokeEnrollmentToken(db, c.req.param('id'), now);
    if (!token) throw new ApiError(404, 'NOT_FOUND', `enrollment token '${c.req.param('id')}' not found`);
    return c.json(toEnrollmentTokenView(token, now));
  });
};

const tag = 'enrollment tokens';
export const enrollmentTokenRouteDocs: readonly RouteDoc[] = [
  { method: 'post', path: '/enrollment-tokens', summary: 'Create an enrollment token (its text is shown once)', tag, permission: 'administer', body: CreateEnrollmentToken, status: 201 },
  { method: 'get', path: '/enrollment-tokens', summary: 'List enrollment tokens (never their text)', tag, permission: 'read' },
  { method: 'delete', path: '/enrollment-tokens/{id}', summary: 'Revoke an enrollment token', tag, permission: 'administer', params: IdParams },
];
