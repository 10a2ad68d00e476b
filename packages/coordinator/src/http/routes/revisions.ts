import { BundleType } from '@baton/shared';
import { z } from 'zod';
import { RevisionLocation } from '../../revisions/revision-location.js';
import { checkRevisionSignature } from '../../revisions/revision-signature.js';
import { getApplication } from '../../store/applications.js';
import { revisionUsage } from '../../store/revision-usage.js';
import { addRevisionSignature, getRevision, listRevisions, type RevisionEntry } from '../../store/revisions.js';
import type { Database } from '../../store/database.js';
import { ApiError } from '../errors.js';
import { requireApplication } from '../lookups.js';
import { AppParams, IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { toRevisionView } from '../views.js';

export const UploadQuery = z.object({ bundleType: BundleType });
export const RegisterLocation = z.object({ location: RevisionLocation });
export const AddSignature = z.object({ publicKey: z.string().min(1), signature: z.string().min(1) });

export const revisionRoutes: RouteModule = (api, { db, blobs, resolver }) => {
  /**
   * Registers a revision. A raw archive body is an upload; a JSON body `{location}` is resolved from S3, Git or a
   * URL. Content-addressed: the same bytes from the same source answer the existing revision with 200, not 201.
   * A bundle that cannot be had answers 422 with REVISION_MISSING or INVALID_REVISION (nothing is recorded).
   */
  api.post('/applications/:app/revisions', async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    if (c.req.header('content-type')?.startsWith('application/json')) {
      const { location } = await readJsonBody(c, RegisterLocation);
      const resolved = await resolver.resolve(application.id, location);
      if (!resolved.ok) throw new ApiError(422, resolved.error.code, resolved.error.message);
      const { revision, created } = resolved.value;
      return c.json(toRevisionView(revision, application, revisionUsage(db, revision.id)), created ? 201 : 200);
    }
    const { bundleType } = UploadQuery.parse({ bundleType: c.req.query('bundleType') });
    const tooLarge = new ApiError(413, 'PAYLOAD_TOO_LARGE', `the bundle exceeds the limit of ${blobs.maxBytes} bytes`);
    if (Number(c.req.header('content-length')) > blobs.maxBytes) throw tooLarge;
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, 'VALIDATION_ERROR', 'the request body must be the bundle archive');
    const stored = await blobs.putStream(body);
    if (!stored.ok) throw tooLarge;
    if (stored.value.size === 0) throw new ApiError(400, 'VALIDATION_ERROR', 'the bundle is empty');
    const admitted = await resolver.admit(application.id, stored.value, { source: { type: 'upload' }, declaredType: bundleType });
    if (!admitted.ok) throw new ApiError(422, admitted.error.code, admitted.error.message);
    const { revision, created } = admitted.value;
    return c.json(toRevisionView(revision, application, revisionUsage(db, revision.id)), created ? 201 : 200);
  });

  api.get('/applications/:app/revisions', (c) => {
    const application = requireApplication(db, c.req.param('app'));
    return c.json(listRevisions(db, application.id).map((revision) => toRevisionView(revision, application, revisionUsage(db, revision.id, 0))));
  });

  api.get('/revisions/:id', (c) => {
    const revision = requireRevision(db, c.req.param('id'));
    const application = getApplication(db, revision.applicationId)!;
    return c.json(toRevisionView(revision, application, revisionUsage(db, revision.id), true));
  });

  /**
   * Adds a signature made off the coordinator (`baton revision sign`). The public key comes along so that a wrong
   * key or digest is refused here, at once, rather than by every agent that trusts the key.
   */
  api.post('/revisions/:id/signatures', async (c) => {
    const revision = requireRevision(db, c.req.param('id'));
    if (revision.status !== 'resolved') throw new ApiError(409, 'REVISION_UNRESOLVED', `revision '${revision.id}' was never resolved: nothing to sign`);
    const body = await readJsonBody(c, AddSignature);
    const checked = checkRevisionSignature(body.publicKey, revision.sha256, body.signature);
    if (!checked.ok) throw new ApiError(422, 'INVALID_SIGNATURE', checked.error);
    const signed = addRevisionSignature(db, revision.id, checked.value)!;
    const application = getApplication(db, revision.applicationId)!;
    return c.json(toRevisionView(signed, application, revisionUsage(db, revision.id), true));
  });
};

function requireRevision(db: Database, id: string): RevisionEntry {
  const revision = getRevision(db, id);
  if (!revision) throw new ApiError(404, 'NOT_FOUND', `revision '${id}' not found`);
  return revision;
}

const tag = 'revisions';
export const revisionRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/applications/{app}/revisions',
    summary: 'Register a revision: a raw bundle upload (with ?bundleType), or a JSON {location} to resolve (201 new, 200 known)',
    tag,
    permission: 'deploy',
    params: AppParams,
    query: UploadQuery,
    body: 'binary',
    status: 201,
  },
  { method: 'get', path: '/applications/{app}/revisions', summary: "List an application's revisions", tag, permission: 'read', params: AppParams },
  { method: 'get', path: '/revisions/{id}', summary: 'Get a revision with the deployments that used it', tag, permission: 'read', params: IdParams },
  {
    method: 'post',
    path: '/revisions/{id}/signatures',
    summary: "Add a signature of the revision's digest",
    tag,
    permission: 'deploy',
    params: IdParams,
    body: AddSignature,
  },
];
