import { z } from 'zod';
import { allows } from '../../access/policy.js';
import {
  createApplication,
  deleteApplication,
  listApplications,
  renameApplication,
} from '../../store/applications.js';
import { ApiError } from '../errors.js';
import { requireApplication } from '../lookups.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { AppParams } from '../openapi/path-params.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { ResourceName } from '../schemas.js';
import { toApplicationView } from '../views.js';

export const CreateApplication = z.object({ name: ResourceName });
/** A rename: deployments, groups and revisions follow the application (they refer to its id). */
export const UpdateApplication = z.object({ name: ResourceName }).strict();
/** `?force` (or `?force=true`) also deletes the application's groups. */
export const DeleteApplicationQuery = z.object({
  force: z
    .enum(['', 'true', 'false'])
    .optional()
    .transform((value) => value === '' || value === 'true'),
});

export const applicationRoutes: RouteModule = (api, { db, clock }) => {
  api.post('/applications', async (c) => {
    const { name } = await readJsonBody(c, CreateApplication);
    const created = createApplication(db, name, clock());
    if (!created.ok) throw new ApiError(409, 'ALREADY_EXISTS', `application '${name}' already exists`);
    return c.json(toApplicationView(created.value), 201);
  });

  api.get('/applications', (c) => {
    const principal = c.get('principal');
    return c.json(listApplications(db).filter((application) => allows(principal, 'read', application.name)).map(toApplicationView));
  });

  api.get('/applications/:app', (c) => c.json(toApplicationView(requireApplication(db, c.req.param('app')))));

  api.patch('/applications/:app', async (c) => {
    const { name } = await readJsonBody(c, UpdateApplication);
    const application = requireApplication(db, c.req.param('app'));
    const renamed = renameApplication(db, application.id, name);
    if (!renamed.ok) throw new ApiError(409, 'ALREADY_EXISTS', `application '${name}' already exists`);
    return c.json(toApplicationView(renamed.value));
  });

  /**
   * Deletes an application, keeping its deployments' history readable by id. Refused (409 CONFLICT) while it has
   * an active deployment, and while it has groups unless `?force`, which deletes them with it.
   */
  api.delete('/applications/:app', (c) => {
    const { force } = DeleteApplicationQuery.parse(c.req.query());
    const application = requireApplication(db, c.req.param('app'));
    const deleted = deleteApplication(db, application.id, { withGroups: force }, clock());
    if (!deleted.ok) {
      const reason =
        deleted.error.code === 'ACTIVE_DEPLOYMENTS'
          ? `it has ${deleted.error.count} active deployment(s); stop them or wait for them to finish`
          : `it has ${deleted.error.count} deployment group(s); delete them first, or delete them with it: baton app delete --force (?force in the API)`;
      throw new ApiError(409, 'CONFLICT', `application '${application.name}' cannot be deleted: ${reason}`);
    }
    return c.body(null, 204);
  });
};

export const applicationRouteDocs: readonly RouteDoc[] = [
  { method: 'post', path: '/applications', summary: 'Create an application', tag: 'applications', permission: 'administer', body: CreateApplication, status: 201 },
  { method: 'get', path: '/applications', summary: 'List applications', tag: 'applications', permission: 'read' },
  { method: 'get', path: '/applications/{app}', summary: 'Get an application', tag: 'applications', permission: 'read', params: AppParams },
  {
    method: 'patch',
    path: '/applications/{app}',
    summary: 'Rename an application',
    tag: 'applications',
    permission: 'administer',
    params: AppParams,
    body: UpdateApplication,
  },
  {
    method: 'delete',
    path: '/applications/{app}',
    summary: 'Delete an application (409 CONFLICT while it has groups, unless ?force, or active deployments)',
    tag: 'applications',
    permission: 'administer',
    params: AppParams,
    query: DeleteApplicationQuery,
    status: 204,
  },
];
