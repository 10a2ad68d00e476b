import { DEFAULT_DEPLOYMENT_CONFIG_NAME, HostSelector, resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { z } from 'zod';
import type { Database } from '../../store/database.js';
import {
  createDeploymentGroup,
  listDeploymentGroups,
  listHostsForGroup,
  updateDeploymentGroup,
  type DeploymentGroup,
} from '../../store/deployment-groups.js';
import type { Application } from '../../store/applications.js';
import { ApiError } from '../errors.js';
import { requireApplication, requireDeploymentGroup } from '../lookups.js';
import { readJsonBody } from '../request-body.js';
import type { RouteModule } from '../route-module.js';
import { ResourceName } from '../schemas.js';
import { toDeploymentGroupView, toHostView, type DeploymentGroupDetailView } from '../views.js';

/** A predefined configuration's name (`CodeDeployDefault.HalfAtATime`) or a custom minimum. */
const DeploymentConfigInput = z.union([
  z.string(),
  z.object({ minimumHealthyHosts: z.object({ type: z.enum(['HOST_COUNT', 'FLEET_PERCENT']), value: z.number() }) }),
]);

const CreateGroup = z.object({
  name: ResourceName,
  hostSelector: HostSelector,
  deploymentConfig: DeploymentConfigInput.default(DEFAULT_DEPLOYMENT_CONFIG_NAME),
  autoRollback: z.boolean().default(false),
});

/** Fields left out keep their value. */
const UpdateGroup = z.object({
  hostSelector: HostSelector.optional(),
  deploymentConfig: DeploymentConfigInput.optional(),
  autoRollback: z.boolean().optional(),
});

export const deploymentGroupRoutes: RouteModule = (api, { db, clock }) => {
  const base = '/applications/:app/deployment-groups';

  api.post(base, async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const body = await readJsonBody(c, CreateGroup);
    const created = createDeploymentGroup(
      db,
      {
        applicationId: application.id,
        name: body.name,
        hostSelector: body.hostSelector,
        deploymentConfig: resolveConfig(body.deploymentConfig),
        autoRollback: body.autoRollback,
      },
      clock(),
    );
    if (!created.ok) {
      const message = `deployment group '${body.name}' of application '${application.name}' already exists`;
      throw new ApiError(409, 'ALREADY_EXISTS', message);
    }
    return c.json(toDetailView(db, created.value, application), 201);
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

  api.put(`${base}/:group`, async (c) => {
    const application = requireApplication(db, c.req.param('app'));
    const group = requireDeploymentGroup(db, application, c.req.param('group'));
    const body = await readJsonBody(c, UpdateGroup);
    const updated = updateDeploymentGroup(
      db,
      group.id,
      {
        ...(body.hostSelector ? { hostSelector: body.hostSelector } : {}),
        ...(body.deploymentConfig ? { deploymentConfig: resolveConfig(body.deploymentConfig) } : {}),
        ...(body.autoRollback === undefined ? {} : { autoRollback: body.autoRollback }),
      },
      clock(),
    );
    if (!updated) throw new Error(`deployment group ${group.id} vanished during its update`);
    return c.json(toDetailView(db, updated, application));
  });
};

function resolveConfig(input: z.infer<typeof DeploymentConfigInput>): DeploymentConfig {
  const resolved = resolveDeploymentConfig(typeof input === 'string' ? input : input.minimumHealthyHosts);
  if (!resolved.ok) throw new ApiError(400, 'VALIDATION_ERROR', `deploymentConfig: ${resolved.error}`);
  return resolved.value;
}

const toDetailView = (db: Database, group: DeploymentGroup, application: Application): DeploymentGroupDetailView => ({
  ...toDeploymentGroupView(group, application),
  hosts: listHostsForGroup(db, group).map(toHostView),
});
