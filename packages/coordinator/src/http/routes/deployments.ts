import { DeploymentStatus, FileExistsBehavior, Strategy, type Result } from '@baton/shared';
import { z } from 'zod';
import { visibleApplicationIds } from '../../access/visible-applications.js';
import { formatStrategy } from '../../group-spec/format-group-spec.js';
import type { EngineRunner } from '../../runner/engine-runner.js';
import { getDeploymentGroupByName } from '../../store/deployment-groups.js';
import { queryDeployments, readDeployment } from '../../store/deployment-read-model.js';
import { getDeployment, type DeploymentRecord, type InsertRefusal } from '../../store/deployments.js';
import { insertFailedDeployment } from '../../store/failed-deployment.js';
import { getRevision, recordUnresolvedRevision } from '../../store/revisions.js';
import { RevisionLocation } from '../../revisions/revision-location.js';
import { ApiError } from '../errors.js';
import { requireApplication, requireDeploymentGroup } from '../lookups.js';
import { readJsonBody } from '../request-body.js';
import { GroupParams, IdParams } from '../openapi/path-params.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import type { RouteModule } from '../route-module.js';

export const CreateDeployment = z.object({
  applicationName: z.string().min(1),
  deploymentGroupName: z.string().min(1),
  /** A registered revision (a redeploy), or a location to resolve now: exactly one of the two. */
  revisionId: z.string().min(1).optional(),
  revision: RevisionLocation.optional(),
  fileExistsBehavior: FileExistsBehavior.optional(),
  ignoreApplicationStopFailures: z.boolean().default(false),
  description: z.string().max(1000).optional(),
  /** Overrides the group's strategy for this deployment; keys left out keep the group's values. */
  strategy: z.record(z.string(), z.unknown()).optional(),
}).refine((body) => (body.revisionId === undefined) !== (body.revision === undefined), {
  message: 'give either revisionId or revision (a location), not both',
  path: ['revision'],
});

export const StopDeployment = z.object({ rollback: z.boolean().default(false) });

/** A group deleted while the request was on its way (e.g. resolving its revision) takes no deployment. */
const groupDeleted = () => new ApiError(409, 'CONFLICT', 'the deployment group was deleted: nothing can be deployed to it');

function createdOrConflict(created: Result<DeploymentRecord, InsertRefusal>): DeploymentRecord {
  if (!created.ok) throw groupDeleted();
  return created.value;
}

/** The group's strategy with a deployment's override laid over it; a bad override is a 400 naming the field. */
function overrideStrategy(groupStrategy: Strategy, override: Record<string, unknown>): Strategy {
  const merged = Strategy.safeParse({ ...formatStrategy(groupStrategy), ...override });
  if (merged.success) return merged.data;
  const issue = merged.error.issues[0];
  throw new ApiError(400, 'VALIDATION_ERROR', `strategy.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

export const ListQuery = z.object({
  application: z.string().optional(),
  group: z.string().optional(),
  status: z.enum(Object.values(DeploymentStatus) as [DeploymentStatus, ...DeploymentStatus[]]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const WaitQuery = z.object({
  after: z.coerce.number().int().min(0),
  timeoutMs: z.coerce.number().int().min(0).max(60_000).default(25_000),
});

/**
 * Deployments: create (queued behind the group's active one), read, list, stop, and a long poll that
 * answers when a deployment changes, so `baton deploy --wait` shows progress without busy polling.
 */
export const deploymentRoutes =
  (runner: EngineRunner): RouteModule =>
  (api, { db, resolver, clock }) => {
    api.post('/deployments', async (c) => {
      const body = await readJsonBody(c, CreateDeployment);
      const application = requireApplication(db, body.applicationName);
      const group = getDeploymentGroupByName(db, application.id, body.deploymentGroupName);
      if (!group) {
        throw new ApiError(404, 'NOT_FOUND', `deployment group '${body.deploymentGroupName}' not found in application '${application.name}'`);
      }
      const deployment = {
        applicationId: application.id,
        groupId: group.id,
        creator: 'user' as const,
        options: {
          ...(body.fileExistsBehavior ? { fileExistsBehavior: body.fileExistsBehavior } : {}),
          ignoreApplicationStopFailures: body.ignoreApplicationStopFailures,
          autoRollback: group.autoRollback,
          ...(body.description ? { description: body.description } : {}),
          ...(body.strategy ? { strategy: formatStrategy(overrideStrategy(group.strategy, body.strategy)) } : {}),
        },
      };
      if (body.revision) {
        // Resolved before the deployment exists; one that cannot be resolved is created Failed, touching no host.
        const resolved = await resolver.resolve(application.id, body.revision);
        if (!resolved.ok) {
          const { code, message, location } = resolved.error;
          const unresolved = recordUnresolvedRevision(db, { applicationId: application.id, location, error: { code, message } }, clock());
          const failed = createdOrConflict(insertFailedDeployment(db, { ...deployment, revisionId: unresolved.id }, { code, message }, clock()));
          runner.announce(failed.id);
          return c.json({ deploymentId: failed.id, status: failed.status, revisionId: unresolved.id, errorInformation: { code, message } }, 201);
        }
        const created = createdOrConflict(runner.create({ ...deployment, revisionId: resolved.value.revision.id }));
        return c.json({ deploymentId: created.id, status: created.status, revisionId: resolved.value.revision.id }, 201);
      }
      const revision = getRevision(db, body.revisionId!);
      if (!revision || revision.applicationId !== application.id) {
        throw new ApiError(404, 'NOT_FOUND', `revision '${body.revisionId}' not found in application '${application.name}'`);
      }
      if (revision.status !== 'resolved') {
        throw new ApiError(409, 'REVISION_UNRESOLVED', `revision '${revision.id}' (${revision.location}) was never resolved: ${revision.error.message}`);
      }
      const created = createdOrConflict(runner.create({ ...deployment, revisionId: revision.id }));
      return c.json({ deploymentId: created.id, status: created.status, revisionId: revision.id }, 201);
    });

    api.get('/deployments', (c) => {
      const query = ListQuery.parse(c.req.query());
      const visible = visibleApplicationIds(db, c.get('principal'));
      const application = query.application ? requireApplication(db, query.application) : undefined;
      const group = query.group && application ? getDeploymentGroupByName(db, application.id, query.group) : undefined;
      if (query.group && !group) {
        const where = application ? `in application '${application.name}'` : `without its application: give application= too (--app in the CLI)`;
        throw new ApiError(404, 'NOT_FOUND', `deployment group '${query.group}' not found ${where}`);
      }
      return c.json(
        queryDeployments(db, {
          ...(application ? { applicationId: application.id } : {}),
          ...(visible ? { applicationIds: visible } : {}),
          ...(group ? { groupId: group.id } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
        }),
      );
    });

    /** What a deployment to the group would do now (batches, traffic steps, hosts), without doing anything. */
    api.get('/applications/:app/deployment-groups/:group/plan', (c) => {
      const application = requireApplication(db, c.req.param('app'));
      const group = requireDeploymentGroup(db, application, c.req.param('group'));
      const preview = runner.preview(group.id)!;
      const nameOf = new Map(preview.hosts.map((host) => [host.hostId, host.name]));
      return c.json({
        applicationName: application.name,
        deploymentGroupName: group.name,
        strategy: preview.plan.strategy,
        deploymentConfigName: preview.plan.deploymentConfigName,
        hosts: preview.hosts.length,
        ...(preview.status === 'Failed' && preview.errorInformation ? { problem: preview.errorInformation } : {}),
        ...(preview.plan.environments ? { environments: preview.plan.environments } : {}),
        batches: preview.plan.batches.map((batch) => ({
          label: batch.label,
          hosts: batch.hostIds.map((id) => nameOf.get(id) ?? id),
          concurrency: batch.concurrency,
          ...(batch.minimumHealthy !== undefined ? { minimumHealthy: batch.minimumHealthy } : {}),
          ...(batch.failureBudget !== undefined ? { failureBudget: batch.failureBudget } : {}),
          bakeSeconds: batch.bakeMs / 1000,
          ...(batch.approval ? { approval: batch.approval } : {}),
          ...(batch.trafficShift ? { trafficPercent: batch.trafficShift.percent } : {}),
          ...(batch.canaryTraffic ? { canaryTraffic: batch.canaryTraffic } : {}),
        })),
      });
    });

    api.get('/deployments/:id', (c) => {
      const id = c.req.param('id');
      const view = readDeployment(db, id);
      if (!view) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      return c.json({ ...view, version: runner.watch.version(id) });
    });

    /** Answers `{version}` as soon as the deployment's version differs from `after`, or at the timeout. */
    api.get('/deployments/:id/wait', async (c) => {
      const id = c.req.param('id');
      const { after, timeoutMs } = WaitQuery.parse(c.req.query());
      if (!getDeployment(db, id)) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      await runner.watch.waitForChange(id, after, timeoutMs);
      return c.json({ version: runner.watch.version(id) });
    });

    /** A deployment waiting for a person (`Ready`) goes on: `promote` after a canary, `continue` for blue/green. */
    for (const approval of ['promote', 'continue'] as const) {
      api.post(`/deployments/:id/${approval}`, (c) => {
        const id = c.req.param('id');
        const outcome = runner.approve(id, approval);
        if (outcome === 'not-found') throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
        if (outcome === 'not-waiting') {
          throw new ApiError(409, 'DEPLOYMENT_NOT_WAITING', `deployment '${id}' is not waiting for ${approval} (only a Ready deployment at that step is)`);
        }
        return c.json(readDeployment(db, id));
      });
    }

    /** Undoes a deployment: stops and rolls back a running one, starts a rollback of a finished one. */
    api.post('/deployments/:id/rollback', (c) => {
      const id = c.req.param('id');
      const outcome = runner.rollback(id);
      if (outcome === 'not-found') throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      if (outcome === 'nothing-to-undo') {
        throw new ApiError(409, 'NOTHING_TO_ROLL_BACK', `deployment '${id}' reached no host, is a rollback itself, or was already rolled back`);
      }
      if (outcome === 'group-deleted') throw groupDeleted();
      return c.json(readDeployment(db, id));
    });

    api.post('/deployments/:id/stop', async (c) => {
      const id = c.req.param('id');
      const { rollback } = await readJsonBody(c, StopDeployment);
      const outcome = runner.stop(id, rollback);
      if (outcome === 'not-found') throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
      if (outcome === 'already-finished') throw new ApiError(409, 'DEPLOYMENT_ALREADY_COMPLETED', `deployment '${id}' has already finished`);
      return c.json(readDeployment(db, id));
    });
  };

const tag = 'deployments';
export const deploymentRouteDocs: readonly RouteDoc[] = [
  { method: 'post', path: '/deployments', summary: 'Create a deployment (queued behind the group\'s active one)', tag, permission: 'deploy', body: CreateDeployment, status: 201 },
  { method: 'get', path: '/deployments', summary: 'List deployments, newest first', tag, permission: 'read', query: ListQuery },
  {
    method: 'get',
    path: '/applications/{app}/deployment-groups/{group}/plan',
    summary: 'What a deployment to the group would do now, without doing it',
    tag,
    permission: 'read',
    params: GroupParams,
  },
  { method: 'get', path: '/deployments/{id}', summary: 'Get a deployment with its hosts and lifecycle events', tag, permission: 'read', params: IdParams },
  {
    method: 'get',
    path: '/deployments/{id}/wait',
    summary: "Long poll: answers when the deployment's version differs from `after`, or at the timeout",
    tag,
    permission: 'read',
    params: IdParams,
    query: WaitQuery,
  },
  { method: 'post', path: '/deployments/{id}/promote', summary: 'Promote a canary waiting for approval', tag, permission: 'deploy', params: IdParams },
  { method: 'post', path: '/deployments/{id}/continue', summary: 'Continue a blue/green deployment waiting for approval', tag, permission: 'deploy', params: IdParams },
  { method: 'post', path: '/deployments/{id}/rollback', summary: 'Roll back a deployment (stopping it if it runs)', tag, permission: 'deploy', params: IdParams },
  { method: 'post', path: '/deployments/{id}/stop', summary: 'Stop a deployment, with or without a rollback', tag, permission: 'deploy', params: IdParams, body: StopDeployment },
];
