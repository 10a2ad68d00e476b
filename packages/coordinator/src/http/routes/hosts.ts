import { Tags } from '@baton/shared';
import { z } from 'zod';
import { deregisterHost, listHosts, updateHostTags } from '../../store/hosts.js';
import type { AgentGateway } from '../../transport/agent-gateway.js';
import { ApiError } from '../errors.js';
import { hostNotFound, requireHost } from '../lookups.js';
import { IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { toHostView } from '../views.js';

/** Tags to set (added or overwritten) and keys to remove; a key both set and removed is removed. */
export const EditHostTags = z
  .object({ set: Tags.optional(), remove: z.array(z.string().min(1)).optional() })
  .strict()
  .refine((body) => body.set !== undefined || body.remove !== undefined, { message: 'give set, remove or both' });

export const hostRoutes: RouteModule = (api, { db }) => {
  api.get('/hosts', (c) => c.json(listHosts(db).map(toHostView)));

  api.get('/hosts/:id', (c) => c.json(toHostView(requireHost(db, c.req.param('id')))));

  /** Moves the host between groups from the next deployment on; a running deployment keeps its hosts. */
  api.patch('/hosts/:id/tags', async (c) => {
    const changes = await readJsonBody(c, EditHostTags);
    const updated = updateHostTags(db, c.req.param('id'), changes);
    if (!updated) throw hostNotFound(c.req.param('id'));
    return c.json(toHostView(updated));
  });
};

/**
 * `DELETE /hosts/:id`: deregisters a host, closing its connection (hence mounted by the deployment service, which
 * owns the gateway). Its credential stops working at once; its deployment history stays. Refused (409
 * HOST_BUSY) while an active deployment includes it. The agent, refused at its next connection, keeps running:
 * stop it on the machine, or enroll it again with a new token.
 */
export const hostDeregistrationRoutes =
  (gateway: Pick<AgentGateway, 'disconnect'>): RouteModule =>
  (api, { db, clock }) => {
    api.delete('/hosts/:id', (c) => {
      const id = c.req.param('id');
      const deregistered = deregisterHost(db, id, clock());
      if (!deregistered) throw hostNotFound(id);
      if (!deregistered.ok) throw new ApiError(409, 'HOST_BUSY', `host '${id}' is part of an active deployment; deregister it once that finishes`);
      gateway.disconnect(id);
      return c.json(toHostView({ ...deregistered.value, online: false }));
    });
  };


const tag = 'hosts';
export const hostRouteDocs: readonly RouteDoc[] = [
  { method: 'get', path: '/hosts', summary: 'List registered hosts', tag, permission: 'read' },
  { method: 'get', path: '/hosts/{id}', summary: 'Get a host', tag, permission: 'read', params: IdParams },
  {
    method: 'patch',
    path: '/hosts/{id}/tags',
    summary: "Set and remove a host's tags",
    tag,
    permission: 'administer',
    params: IdParams,
    body: EditHostTags,
  },
  {
    method: 'delete',
    path: '/hosts/{id}',
    summary: 'Deregister a host: revoke its credential and close its connection (409 HOST_BUSY during a deployment)',
    tag,
    permission: 'administer',
    params: IdParams,
  },
];
