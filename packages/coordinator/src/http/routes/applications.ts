import { z } from 'zod';
import { createApplication, listApplications } from '../../store/applications.js';
import { ApiError } from '../errors.js';
import { requireApplication } from '../lookups.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { ResourceName } from '../schemas.js';
import { toApplicationView } from '../views.js';

const CreateApplication = z.object({ name: ResourceName });

export const applicationRoutes: RouteModule = (api, { db, clock }) => {
  api.post('/applications', async (c) => {
    const { name } = await readJsonBody(c, CreateApplication);
    const created = createApplication(db, name, clock());
    if (!created.ok) throw new ApiError(409, 'ALREADY_EXISTS', `application '${name}' already exists`);
    return c.json(toApplicationView(created.value), 201);
  });

  api.get('/applications', (c) => c.json(listApplications(db).map(toApplicationView)));

  api.get('/applications/:app', (c) => c.json(toApplicationView(requireApplication(db, c.req.param('app')))));
};
