import { DeploymentStatus } from '@baton/shared';
import { Option } from 'commander';
import type { DeploymentView } from '../../store/deployment-read-model.js';
import { CliError, type RegisterCommands } from '../context.js';
import { describeFailure, followDeployment } from '../deployment-progress.js';
import { formatTable } from '../format-table.js';

/** `baton deployment get|list|stop|wait`. */
export const registerDeploymentCommands: RegisterCommands = (program, context) => {
  const deployment = program.command('deployment').description('inspect and control deployments');

  deployment
    .command('get')
    .description('show a deployment with every host and lifecycle event')
    .argument('<id>', 'deployment id')
    .action(async (id: string) => {
      const view = await context.client().get<DeploymentView & { version?: number }>(`/api/v1/deployments/${encodeURIComponent(id)}`);
      const { version: _version, ...shown } = view;
      context.print(shown, () => renderDeployment(view));
    });

  deployment
    .command('list')
    .description('list deployments, newest first')
    .option('--app <name>', 'only this application')
    .option('--group <name>', 'only this deployment group (with --app)')
    .addOption(new Option('--status <status>', 'only this status').choices(Object.values(DeploymentStatus)))
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { app?: string; group?: string; status?: string; limit: string }) => {
      const query = new URLSearchParams({ limit: options.limit });
      if (options.app) query.set('application', options.app);
      if (options.group) query.set('group', options.group);
      if (options.status) query.set('status', options.status);
      const list = await context.client().get<DeploymentView[]>(`/api/v1/deployments?${query}`);
      context.print(list, () =>
        formatTable(
          ['deployment', 'application', 'group', 'status', 'hosts ok/failed/skipped', 'created'],
          list.map((d) => [
            d.deploymentId,
            d.applicationName,
            d.deploymentGroupName,
            d.creator === 'rollback' ? `${d.status} (rollback)` : d.status,
            `${d.deploymentOverview.Succeeded}/${d.deploymentOverview.Failed}/${d.deploymentOverview.Skipped}`,
            d.createTime,
          ]),
        ),
      );
    });

  deployment
    .command('stop')
    .description('stop a deployment: hosts not started are skipped')
    .argument('<id>', 'deployment id')
    .option('--rollback', 'also roll the hosts that received it back to the last successful revision')
    .action(async (id: string, options: { rollback?: boolean }) => {
      const view = await context.client().post<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}/stop`, {
        rollback: options.rollback ?? false,
      });
      context.print(view, () => `${view.deploymentId}: ${view.status}${view.rollbackInfo?.rollbackMessage ? ` — ${view.rollbackInfo.rollbackMessage}` : ''}`);
    });

  deployment
    .command('rollback')
    .description('undo a deployment: stop and roll back a running one, or roll back a finished one')
    .argument('<id>', 'deployment id')
    .action(async (id: string) => {
      const view = await context.client().post<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}/rollback`);
      context.print(view, () => `${view.deploymentId}: ${view.status}${view.rollbackInfo?.rollbackMessage ? ` — ${view.rollbackInfo.rollbackMessage}` : ''}`);
    });

  deployment
    .command('plan')
    .description("show what a deployment to the group would do now — batches, bakes, approvals, traffic steps — without doing it")
    .argument('<app>', 'application name')
    .argument('<group>', 'deployment group name')
    .action(async (app: string, group: string) => {
      const plan = await context.client().get<DeploymentPlanView>(
        `/api/v1/applications/${encodeURIComponent(app)}/deployment-groups/${encodeURIComponent(group)}/plan`,
      );
      context.print(plan, () => renderPlan(plan));
    });

  const approvals = [
    ['promote', 'let a deployment waiting after its canary (status Ready) deploy the rest'],
    ['continue', 'let a blue/green deployment whose new environment is ready (status Ready) shift traffic'],
  ] as const;
  for (const [approval, description] of approvals) {
    deployment
      .command(approval)
      .description(description)
      .argument('<id>', 'deployment id')
      .action(async (id: string) => {
        const view = await context.client().post<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}/${approval}`);
        context.print(view, () => `${view.deploymentId}: ${view.status}`);
      });
  }

  deployment
    .command('wait')
    .description('follow a deployment to its end; exits non-zero unless it succeeds')
    .argument('<id>', 'deployment id')
    .action(async (id: string) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const final = await followDeployment(context.client(), id, (line) => {
        if (!json) context.io.stdout(`${line}\n`);
      });
      if (json) context.io.stdout(`${JSON.stringify(final, null, 2)}\n`);
      if (final.status !== 'Succeeded') throw new CliError(`DEPLOYMENT_${final.status.toUpperCase()}`, describeFailure(final));
    });
};

function renderDeployment(view: DeploymentView): string {
  const header = [
    `${view.deploymentId}  ${view.status}${view.creator === 'rollback' ? ' (rollback)' : ''}`,
    `  application ${view.applicationName}, group ${view.deploymentGroupName}, config ${view.deploymentConfigName}`,
    view.revision.sha256 === null
      ? `  revision ${view.revision.location} (unresolved)`
      : `  revision ${view.revision.sha256.slice(0, 12)} (${view.revision.bundleType}, ${view.revision.size} bytes, ${view.revision.location})`,
    view.errorInformation ? `  error ${view.errorInformation.code}: ${view.errorInformation.message}` : '',
    view.rollbackInfo?.rollbackDeploymentId ? `  rolled back by ${view.rollbackInfo.rollbackDeploymentId}` : '',
    view.rollbackInfo?.rollbackTriggeringDeploymentId ? `  rolls back ${view.rollbackInfo.rollbackTriggeringDeploymentId}` : '',
    view.rollbackInfo?.rollbackMessage ? `  ${view.rollbackInfo.rollbackMessage}` : '',
  ].filter(Boolean);
  const rows = (view.instances ?? []).flatMap((instance) =>
    instance.lifecycleEvents.map((event, index) => [
      index === 0 ? instance.name : '',
      index === 0 ? instance.status : '',
      event.lifecycleEventName,
      event.status,
      event.diagnostics && event.diagnostics.errorCode !== 'Success' ? `${event.diagnostics.errorCode}: ${event.diagnostics.message}` : '',
    ]),
  );
  const failures = view.status === 'Failed' ? `\n\n${describeFailure(view)}` : '';
  return `${header.join('\n')}\n\n${formatTable(['host', 'host status', 'event', 'status', 'diagnostics'], rows)}${failures}`;
}

interface DeploymentPlanView {
  applicationName: string;
  deploymentGroupName: string;
  strategy: string;
  deploymentConfigName: string;
  hosts: number;
  problem?: { code: string; message: string };
  environments?: { original: string; replacement: string };
  batches: {
    label: string;
    hosts: string[];
    concurrency: string;
    minimumHealthy?: number;
    failureBudget?: number;
    bakeSeconds: number;
    approval?: string;
    trafficPercent?: number;
  }[];
}

function renderPlan(plan: DeploymentPlanView): string {
  const header = [
    `${plan.applicationName}/${plan.deploymentGroupName}: ${plan.strategy}, ${plan.hosts} host(s), ${plan.deploymentConfigName}`,
    plan.environments ? `  deploys to ${plan.environments.replacement}; ${plan.environments.original} serves now` : '',
    plan.problem ? `  would fail at once: ${plan.problem.code}: ${plan.problem.message}` : '',
  ].filter(Boolean);
  const rows = plan.batches.map((batch, index) => [
    String(index + 1),
    batch.label,
    batch.hosts.join(',') || '-',
    batch.concurrency === 'minimumHealthy' ? `min healthy ${batch.minimumHealthy ?? 0}` : 'all at once',
    batch.trafficPercent !== undefined ? `${batch.trafficPercent}%` : '',
    batch.bakeSeconds > 0 ? `${batch.bakeSeconds}s` : '',
    batch.approval ?? '',
  ]);
  return `${header.join('\n')}\n\n${formatTable(['#', 'step', 'hosts', 'concurrency', 'traffic', 'bake', 'waits for'], rows)}`;
}
