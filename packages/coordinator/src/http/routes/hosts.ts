import { getHost, listHosts } from '../../store/hosts.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../route-module.js';
import { toHostView } from '../views.js';

export const hostRoutes: RouteModule = (api, { db }) => {
  api.get('/hosts', (c) => c.json(listHosts(db).map(toHostView)));

  api.get('/hosts/:id', (c) => {
    const host = getHost(db, c.req.param('id'));
    if (!host) throw new ApiError(404, 'NOT_FOUND', `host '${c.req.param('id')}' not found`);
    return c.json(toHostView(host));
  });
};
