import { BundleType } from '@baton/shared';
import { z } from 'zod';
import { getApplication } from '../../store/applications.js';
import { getRevision, listRevisions, registerRevision } from '../../store/revisions.js';
import { ApiError } from '../errors.js';
import { requireApplication } from '../lookups.js';
import type { RouteModule } from '../route-module.js';
import { toRevisionView } from '../views.js';

const UploadQuery = z.object({ bundleType: BundleType });

export const revisionRoutes: RouteModule = (api, { db, blobs, clock }) => {
  /**
   * Uploads a bundle: the raw archive is the body. Content-addressed, so uploading the same bytes again for
   * the same application answers the existing revision with 200 instead of 201.
   */
  api.post('/applications/:app/revisions', async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const { bundleType } = UploadQuery.parse({ bundleType: c.req.query('bundleType') });
    const tooLarge = new ApiError(413, 'PAYLOAD_TOO_LARGE', `the bundle exceeds the limit of ${blobs.maxBytes} bytes`);
    if (Number(c.req.header('content-length')) > blobs.maxBytes) throw tooLarge;
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, 'VALIDATION_ERROR', 'the request body must be the bundle archive');
    const stored = await blobs.putStream(body);
    if (!stored.ok) throw tooLarge;
    if (stored.value.size === 0) throw new ApiError(400, 'VALIDATION_ERROR', 'the bundle is empty');
    const { revision, created } = registerRevision(
      db,
      { applicationId: application.id, ...stored.value, bundleType, source: { type: 'upload' } },
      clock(),
    );
    return c.json(toRevisionView(revision, application), created ? 201 : 200);
  });

  api.get('/applications/:app/revisions', (c) => {
    const application = requireApplication(db, c.req.param('app'));
    return c.json(listRevisions(db, application.id).map((revision) => toRevisionView(revision, application)));
  });

  api.get('/revisions/:id', (c) => {
    const revision = getRevision(db, c.req.param('id'));
    const application = revision && getApplication(db, revision.applicationId);
    if (!revision || !application) throw new ApiError(404, 'NOT_FOUND', `revision '${c.req.param('id')}' not found`);
    return c.json(toRevisionView(revision, application));
  });
};
