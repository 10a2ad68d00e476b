/**
 * A group's triggers one at a time (`baton trigger create|list|delete`) and their delivery log. A group file
 * sets them all at once (PUT /group-files); both write the same rows.
 */
import { MAX_TRIGGERS_PER_GROUP, TriggerName, TriggerSpec } from '@baton/shared';
import { z } from 'zod';
import { newSecret } from '../../ids.js';
import { listDeliveries } from '../../notifications/delivery-store.js';
import { sealTriggerSecret } from '../../notifications/trigger-secret-box.js';
import { newTriggerSecretRef } from '../../notifications/trigger-secrets.js';
import { addTrigger, deleteTrigger, listTriggers } from '../../notifications/trigger-store.js';
import { toDeliveryView, toTriggerView, type CreatedTriggerView } from '../../notifications/trigger-views.js';
import { ApiError } from '../errors.js';
import { requireApplication, requireDeploymentGroup } from '../lookups.js';
import { GroupParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';

export const CreateTrigger = z
  .object({
    /** Defaults to the URL's host name. */
    name: TriggerName.optional(),
    url: TriggerSpec.shape.url,
    events: TriggerSpec.shape.events,
    format: TriggerSpec.shape.format,
    /** Left out, the coordinator makes one and answers it once. */
    secret: z.string().min(16, 'use a secret of at least 16 characters').max(512).optional(),
  })
  .strict();

export const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });
const TriggerParams = GroupParams.extend({ name: TriggerName });

export const triggerRoutes: RouteModule = (api, { db, clock, secretsKey }) => {
  const base = '/applications/:app/deployment-groups/:group';
  const groupOf = (app: string, group: string) => requireDeploymentGroup(db, requireApplication(db, app), group);

  api.get(`${base}/triggers`, (c) => {
    const group = groupOf(c.req.param('app'), c.req.param('group'));
    return c.json(listTriggers(db, group.id).map(toTriggerView));
  });

  api.post(`${base}/triggers`, async (c) => {
    const body = await readJsonBody(c, CreateTrigger);
    const group = groupOf(c.req.param('app'), c.req.param('group'));
    const name = body.name ?? defaultName(body.url);
    const secret = body.secret ?? newSecret();
    const sealed = sealTriggerSecret(secretsKey, newTriggerSecretRef(), secret);
    const settings = { name, url: body.url, events: body.events, format: body.format, ...sealed };
    const added = addTrigger(db, group.id, settings, clock());
    if (!added.ok) {
      if (added.error === 'TOO_MANY') throw new ApiError(409, 'CONFLICT', `group '${group.name}' already has ${MAX_TRIGGERS_PER_GROUP} triggers, the most a group may have`);
      throw new ApiError(409, 'ALREADY_EXISTS', `group '${group.name}' already has a trigger named '${name}'${body.name ? '' : ': give another with --name'}`);
    }
    return c.json<CreatedTriggerView>({ ...toTriggerView(added.value), secret: body.secret === undefined ? secret : null }, 201);
  });

  api.delete(`${base}/triggers/:name`, (c) => {
    const group = groupOf(c.req.param('app'), c.req.param('group'));
    if (!deleteTrigger(db, group.id, c.req.param('name'))) {
      throw new ApiError(404, 'NOT_FOUND', `group '${group.name}' has no trigger named '${c.req.param('name')}'`);
    }
    return c.body(null, 204);
  });

  api.get(`${base}/trigger-deliveries`, (c) => {
    const { limit } = DeliveriesQuery.parse(c.req.query());
    const group = groupOf(c.req.param('app'), c.req.param('group'));
    return c.json(listDeliveries(db, group.id, limit).map(toDeliveryView));
  });
};

/** `https://hooks.slack.com/services/…` → `hooks.slack.com`; an address that is no valid name → `webhook`. */
function defaultName(url: string): string {
  const host = new URL(url).hostname;
  return TriggerName.safeParse(host).success ? host : 'webhook';
}

const groupPath = '/applications/{app}/deployment-groups/{group}';
export const triggerRouteDocs: readonly RouteDoc[] = [
  { method: 'get', path: `${groupPath}/triggers`, summary: "List a group's triggers (never their secrets)", tag: 'triggers', permission: 'read', params: GroupParams },
  {
    method: 'post',
    path: `${groupPath}/triggers`,
    summary: 'Add a trigger; a secret the coordinator makes is answered this once',
    tag: 'triggers',
    permission: 'administer',
    params: GroupParams,
    body: CreateTrigger,
    status: 201,
  },
  {
    method: 'delete',
    path: `${groupPath}/triggers/{name}`,
    summary: 'Delete a trigger and its delivery log',
    tag: 'triggers',
    permission: 'administer',
    params: TriggerParams,
    status: 204,
  },
  {
    method: 'get',
    path: `${groupPath}/trigger-deliveries`,
    summary: "The group's webhook deliveries, newest first",
    tag: 'triggers',
    permission: 'read',
    params: GroupParams,
    query: DeliveriesQuery,
  },
];
