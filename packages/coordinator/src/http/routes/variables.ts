/**
 * Variables of an application (`/applications/:app/variables`) and of a group
 * (`/applications/:app/deployment-groups/:group/variables`), given to every hook of their deployments. Answers
 * never carry a secret's value: it shows as `****`, and once set it can be replaced or removed, never read back.
 */
import { SECRET_MASK } from '@baton/shared';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../store/database.js';
import { deleteVariable, getVariable, listVariables, type StoredVariable, type VariableOwner } from '../../store/variables.js';
import { VariableName, VariableValue } from '../../variables/variable-schemas.js';
import type { VariableVault } from '../../variables/variable-vault.js';
import { ApiError } from '../errors.js';
import { requireApplication, requireDeploymentGroup } from '../lookups.js';
import { AppParams, GroupParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { readJsonBody } from '../request-body.js';
import type { ApiEnv, RouteModule } from '../route-module.js';

const NamedVariable = z.object({ name: VariableName });

/** `secret` left out keeps a variable's kind (a new one is plain), so a secret is not exposed by a plain update. */
export const PutVariable = z.object({ value: VariableValue, secret: z.boolean().optional() }).strict();

export const VariableView = z.object({
  name: z.string(),
  /** `****` for a secret. */
  value: z.string(),
  secret: z.boolean(),
  /** Whose variable it is; a group's overrides its application's of the same name. */
  scope: z.enum(['application', 'group']),
  updatedAt: z.string(),
});
export type VariableView = z.infer<typeof VariableView>;

export const toVariableView = (variable: StoredVariable): VariableView => ({
  name: variable.name,
  value: variable.secret ? SECRET_MASK : variable.value,
  secret: variable.secret,
  scope: variable.groupId === undefined ? 'application' : 'group',
  updatedAt: variable.updatedAt,
});

const APP_BASE = '/applications/:app/variables';
const GROUP_BASE = '/applications/:app/deployment-groups/:group/variables';

export const variableRoutes =
  (vault: VariableVault): RouteModule =>
  (api, { db, clock }) => {
    for (const base of [APP_BASE, GROUP_BASE]) {
      api.get(base, (c) => c.json(listVariables(db, requireOwner(db, c)).map(toVariableView)));

      api.get(`${base}/:name`, (c) => c.json(toVariableView(requireVariable(db, c))));

      api.put(`${base}/:name`, async (c) => {
        const { value, secret } = await readJsonBody(c, PutVariable);
        const { name } = NamedVariable.parse({ name: c.req.param('name') });
        const owner = requireOwner(db, c);
        const keepsKind = secret ?? getVariable(db, owner, name)?.secret ?? false;
        return c.json(toVariableView(vault.set(owner, name, value, keepsKind, clock())));
      });

      api.delete(`${base}/:name`, (c) => {
        const name = c.req.param('name') ?? '';
        if (!deleteVariable(db, requireOwner(db, c), name)) throw notFound(name);
        return c.body(null, 204);
      });
    }
  };

/** The application, and the group when the path names one; 404 when either does not exist. */
function requireOwner(db: Database, c: Context<ApiEnv>): VariableOwner {
  const application = requireApplication(db, c.req.param('app') ?? '');
  const groupName = c.req.param('group');
  if (groupName === undefined) return { applicationId: application.id };
  return { applicationId: application.id, groupId: requireDeploymentGroup(db, application, groupName).id };
}

function requireVariable(db: Database, c: Context<ApiEnv>): StoredVariable {
  const name = c.req.param('name') ?? '';
  const variable = getVariable(db, requireOwner(db, c), name);
  if (!variable) throw notFound(name);
  return variable;
}

const notFound = (name: string) => new ApiError(404, 'NOT_FOUND', `variable '${name}' not found`);

const AppVariableParams = AppParams.extend({ name: VariableName });
const GroupVariableParams = GroupParams.extend({ name: VariableName });

/** The same four routes for an application and for a group. */
function docsFor(path: string, owner: string, params: z.ZodObject, named: z.ZodObject): RouteDoc[] {
  const common = { tag: 'variables', permission: 'administer' } as const;
  return [
    { ...common, method: 'get', path, summary: `List the variables of ${owner} (secrets as ****)`, params, response: z.array(VariableView) },
    { ...common, method: 'get', path: `${path}/{name}`, summary: `Get a variable of ${owner} (a secret as ****)`, params: named, response: VariableView },
    {
      ...common,
      method: 'put',
      path: `${path}/{name}`,
      summary: `Set a variable of ${owner}; \`secret\` seals its value, left out it keeps the variable's kind`,
      params: named,
      body: PutVariable,
      response: VariableView,
    },
    { ...common, method: 'delete', path: `${path}/{name}`, summary: `Remove a variable of ${owner}`, params: named, status: 204 },
  ];
}

export const variableRouteDocs: readonly RouteDoc[] = [
  ...docsFor('/applications/{app}/variables', 'an application', AppParams, AppVariableParams),
  ...docsFor('/applications/{app}/deployment-groups/{group}/variables', 'a deployment group', GroupParams, GroupVariableParams),
];
