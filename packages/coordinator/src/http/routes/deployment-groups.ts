import {
  AutoRollbackEvent,
  GroupFile,
  HostSelector,
  resolveDeploymentConfig,
  TrafficRouterSpec,
  type DeploymentConfig,
} from '@baton/shared';
import { z } from 'zod';
import { checkGroupSpec, type CheckedGroupSpec, type GroupSpecNotice } from '../../group-spec/check-group-spec.js';
import { formatTrigger } from '../../group-spec/format-group-spec.js';
import { resolveGroupFileTriggers } from '../../notifications/trigger-secrets.js';
import { listTriggers, replaceTriggers } from '../../notifications/trigger-store.js';
import type { Application } from '../../store/applications.js';
import type { Database } from '../../store/database.js';
import {
  applyDeploymentGroup,
  createDeploymentGroup,
  DEFAULT_GROUP_SPEC,
  deleteDeploymentGroup,
  listDeploymentGroups,
  listHostsForGroup,
  renameDeploymentGroup,
  updateDeploymentGroup,
  type DeploymentGroup,
  type DeploymentGroupSettings,
} from '../../store/deployment-groups.js';
import { listHosts } from '../../store/hosts.js';
import { ApiError } from '../errors.js';
import { requireApplication, requireDeploymentGroup } from '../lookups.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { AppParams, GroupParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { ResourceName } from '../schemas.js';
import {
  toDeploymentGroupView,
  toHostView,
  type DeploymentGroupDetailView,
  type DeploymentGroupWrittenView,
  type GroupFileAppliedView,
} from '../views.js';

/** The group file's own fields, so the API and `baton group apply -f` accept the same shapes. */
const file = GroupFile.shape;

/**
 * `autoRollback: true` is shorthand for `autoRollbackEvents: [DEPLOYMENT_FAILURE]` (`false`: none); the two
 * cannot be combined.
 */
const AutoRollbackFields = {
  autoRollback: z.boolean().optional(),
  autoRollbackEvents: z.array(AutoRollbackEvent).optional(),
};
const notBoth = (body: { autoRollback?: boolean | undefined; autoRollbackEvents?: unknown }) =>
  body.autoRollback === undefined || body.autoRollbackEvents === undefined;
const NOT_BOTH = { path: ['autoRollback'], message: 'give autoRollback or autoRollbackEvents, not both' };

export const CreateGroup = z
  .object({
    name: ResourceName,
    hostSelector: HostSelector,
    deploymentConfig: file.deploymentConfig,
    strategy: file.strategy,
    trafficRouter: TrafficRouterSpec.nullish(),
    healthChecks: file.healthChecks,
    alarms: file.alarms,
    ...AutoRollbackFields,
    outdatedInstances: file.outdatedInstances,
  })
  .strict()
  .refine(notBoth, NOT_BOTH);

/** Fields left out keep their value; `trafficRouter: null` removes the router. */
const UpdateGroupFields = {
  hostSelector: HostSelector.optional(),
  deploymentConfig: file.deploymentConfig.removeDefault().optional(),
  strategy: file.strategy.removeDefault().optional(),
  trafficRouter: TrafficRouterSpec.nullish(),
  healthChecks: file.healthChecks.removeDefault().optional(),
  alarms: file.alarms.removeDefault().optional(),
  ...AutoRollbackFields,
  outdatedInstances: file.outdatedInstances.removeDefault().optional(),
};
export const UpdateGroup = z.object(UpdateGroupFields).strict().refine(notBoth, NOT_BOTH);
/** A PATCH may also rename the group (its deployments follow it: they refer to its id). */
export const PatchGroup = z
  .object({ name: ResourceName.optional(), ...UpdateGroupFields })
  .strict()
  .refine(notBoth, NOT_BOTH);

/** A whole group file; its name appears in URL paths, so it is held to the API's names. */
export const ApplyGroupFile = GroupFile.extend({ name: ResourceName });

export const deploymentGroupRoutes: RouteModule = (api, { db, clock, secretsKey }) => {
  const base = '/applications/:app/deployment-groups';

  api.post(base, async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const body = await readJsonBody(c, CreateGroup);
    const settings: DeploymentGroupSettings = {
      hostSelector: body.hostSelector,
      deploymentConfig: resolveConfig(body.deploymentConfig),
      strategy: body.strategy,
      trafficRouter: body.trafficRouter ?? undefined,
      healthChecks: body.healthChecks,
      alarms: body.alarms,
      autoRollbackEvents: toAutoRollbackEvents(body) ?? DEFAULT_GROUP_SPEC.autoRollbackEvents,
      outdatedInstances: body.outdatedInstances,
    };
    const warnings = checkSettings(db, settings);
    const created = createDeploymentGroup(db, { applicationId: application.id, name: body.name, ...settings }, clock());
    if (!created.ok) {
      const message = `deployment group '${body.name}' of application '${application.name}' already exists`;
      throw new ApiError(409, 'ALREADY_EXISTS', message);
    }
    return c.json<DeploymentGroupWrittenView>({ ...toDetailView(db, created.value, application), warnings }, 201);
  });

  api.get(base, (c) => {
    const application = requireApplication(db, c.req.param('app'));
    return c.json(listDeploymentGroups(db, application.id).map((group) => toDeploymentGroupView(group, application)));
  });

  api.get(`${base}/:group`, (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const group = requireDeploymentGroup(db, application, c.req.param('group'));
    return c.json(toDetailView(db, group, application));
  });

  /**
   * PUT and PATCH both change only the fields given; PATCH may also rename the group. The rename and the
   * settings are written in one transaction, so a refused rename changes nothing.
   */
  const update = (application: Application, groupName: string, body: z.output<typeof PatchGroup>): DeploymentGroupWrittenView => {
    // From here on nothing awaits, so no other request can change the group between the check and the write.
    const group = requireDeploymentGroup(db, application, groupName);
    const changes = toChanges(body);
    const warnings = checkSettings(db, { ...group, ...changes });
    const updated = db.transaction(() => {
      if (body.name !== undefined && body.name !== group.name) {
        const renamed = renameDeploymentGroup(db, group.id, body.name, clock());
        if (!renamed.ok) {
          throw new ApiError(409, 'ALREADY_EXISTS', `deployment group '${body.name}' of application '${application.name}' already exists`);
        }
      }
      return updateDeploymentGroup(db, group.id, changes, clock());
    })();
    if (!updated) throw new Error(`deployment group ${group.id} vanished during its update`);
    return { ...toDetailView(db, updated, application), warnings };
  };

  api.put(`${base}/:group`, async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const body = await readJsonBody(c, UpdateGroup);
    return c.json(update(application, c.req.param('group'), body));
  });

  api.patch(`${base}/:group`, async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const body = await readJsonBody(c, PatchGroup);
    return c.json(update(application, c.req.param('group'), body));
  });

  /** Refused (409 CONFLICT) while a deployment of the group is unfinished; its deployments stay readable by id. */
  api.delete(`${base}/:group`, (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const group = requireDeploymentGroup(db, application, c.req.param('group'));
    const deleted = deleteDeploymentGroup(db, group.id, clock());
    if (!deleted.ok) {
      const message = `deployment group '${group.name}' has ${deleted.error.count} unfinished deployment(s); stop them or wait for them to finish`;
      throw new ApiError(409, 'CONFLICT', message);
    }
    return c.body(null, 204);
  });

  /** `baton group apply -f`: creates the group the file names (201) or replaces all its settings (200). */
  api.put('/group-files', async (c) => {
    const body = await readJsonBody(c, ApplyGroupFile);
    const application = requireApplication(db, body.application);
    const settings: DeploymentGroupSettings = {
      hostSelector: { tagFilters: body.hosts.tags, tagSet: body.hosts.tagSet },
      deploymentConfig: resolveConfig(body.deploymentConfig),
      strategy: body.strategy,
      trafficRouter: body.trafficRouter,
      healthChecks: body.healthChecks,
      alarms: body.alarms,
      autoRollbackEvents: body.autoRollback.events,
      outdatedInstances: body.outdatedInstances,
    };
    const warnings = checkSettings(db, { ...settings, triggers: body.triggers });
    const triggers = resolveGroupFileTriggers(db, secretsKey, application.id, body.name, body.triggers);
    if (!triggers.ok) throw new ApiError(400, 'VALIDATION_ERROR', `${triggers.error.field}: ${triggers.error.message}`);
    const { group, outcome } = db.transaction(() => {
      const applied = applyDeploymentGroup(db, { applicationId: application.id, name: body.name, ...settings }, clock());
      const triggersChanged = replaceTriggers(db, applied.group.id, triggers.value.triggers, clock());
      return triggersChanged && applied.outcome === 'unchanged' ? { ...applied, outcome: 'updated' as const } : applied;
    })();
    const view: GroupFileAppliedView = { ...toDetailView(db, group, application), warnings, outcome, triggerSecrets: triggers.value.generated };
    return c.json(view, outcome === 'created' ? 201 : 200);
  });
};

/** Only the keys the body gives, so the store keeps the others. */
function toChanges(body: z.output<typeof PatchGroup>): Partial<DeploymentGroupSettings> {
  const events = toAutoRollbackEvents(body);
  return {
    ...(body.hostSelector ? { hostSelector: body.hostSelector } : {}),
    ...(body.deploymentConfig ? { deploymentConfig: resolveConfig(body.deploymentConfig) } : {}),
    ...(body.strategy ? { strategy: body.strategy } : {}),
    ...(body.trafficRouter === undefined ? {} : { trafficRouter: body.trafficRouter ?? undefined }),
    ...(body.healthChecks ? { healthChecks: body.healthChecks } : {}),
    ...(body.alarms ? { alarms: body.alarms } : {}),
    ...(events ? { autoRollbackEvents: events } : {}),
    ...(body.outdatedInstances ? { outdatedInstances: body.outdatedInstances } : {}),
  };
}

function toAutoRollbackEvents(body: {
  autoRollback?: boolean | undefined;
  autoRollbackEvents?: AutoRollbackEvent[] | undefined;
}): AutoRollbackEvent[] | undefined {
  if (body.autoRollback === undefined) return body.autoRollbackEvents;
  return body.autoRollback ? ['DEPLOYMENT_FAILURE'] : [];
}

function resolveConfig(input: z.output<typeof file.deploymentConfig>): DeploymentConfig {
  const resolved = resolveDeploymentConfig(typeof input === 'string' ? input : input.minimumHealthyHosts);
  if (!resolved.ok) throw new ApiError(400, 'VALIDATION_ERROR', `deploymentConfig: ${resolved.error}`);
  return resolved.value;
}

/** Refuses settings with a problem (400 naming the field); returns the warnings to answer with. */
function checkSettings(db: Database, spec: CheckedGroupSpec): readonly GroupSpecNotice[] {
  const checked = checkGroupSpec(spec, listHosts(db));
  if (!checked.ok) throw new ApiError(400, 'VALIDATION_ERROR', `${checked.error.field}: ${checked.error.message}`);
  return checked.value;
}

const toDetailView = (db: Database, group: DeploymentGroup, application: Application): DeploymentGroupDetailView => ({
  ...toDeploymentGroupView(group, application),
  hosts: listHostsForGroup(db, group).map(toHostView),
  triggers: listTriggers(db, group.id).map(formatTrigger),
});

const tag = 'deployment groups';
const groupPath = '/applications/{app}/deployment-groups/{group}';
export const deploymentGroupRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/applications/{app}/deployment-groups',
    summary: 'Create a deployment group',
    tag,
    permission: 'administer',
    params: AppParams,
    body: CreateGroup,
    status: 201,
  },
  { method: 'get', path: '/applications/{app}/deployment-groups', summary: "List an application's deployment groups", tag, permission: 'read', params: AppParams },
  { method: 'get', path: groupPath, summary: 'Get a deployment group with the hosts it matches', tag, permission: 'read', params: GroupParams },
  { method: 'put', path: groupPath, summary: 'Change the settings given (the others are kept)', tag, permission: 'administer', params: GroupParams, body: UpdateGroup },
  {
    method: 'patch',
    path: groupPath,
    summary: 'Change the settings given, or rename the group',
    tag,
    permission: 'administer',
    params: GroupParams,
    body: PatchGroup,
  },
  {
    method: 'delete',
    path: groupPath,
    summary: 'Delete a deployment group (409 CONFLICT while a deployment of it is unfinished)',
    tag,
    permission: 'administer',
    params: GroupParams,
    status: 204,
  },
  { method: 'put', path: '/group-files', summary: 'Apply a group file: create the group (201) or replace its settings', tag, permission: 'administer', body: ApplyGroupFile },
];
