import { Option } from 'commander';
import { packBundle } from '../bundle-pack.js';
import { CliError, type RegisterCommands } from '../context.js';
import { describeFailure, followDeployment } from '../deployment-progress.js';

interface DeployOptions {
  bundle: string;
  bundleType?: string;
  wait?: boolean;
  fileExistsBehavior?: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
  ignoreApplicationStopFailures?: boolean;
  description?: string;
}

interface UploadedRevision {
  revisionId: string;
  sha256: string;
}

/**
 * `baton deploy APP GROUP --bundle PATH`: uploads the bundle (content-addressed: an identical bundle is stored
 * once), creates the deployment and, with `--wait`, follows it to the end; the exit code says whether it succeeded.
 */
export const registerDeployCommand: RegisterCommands = (program, context) => {
  program
    .command('deploy')
    .description('deploy a bundle to a deployment group')
    .argument('<app>', 'application name')
    .argument('<group>', 'deployment group name')
    .requiredOption('--bundle <path>', 'a directory (packed as tgz) or a .tar, .tgz or .zip archive')
    .addOption(new Option('--bundle-type <type>', 'archive type when the file name does not tell').choices(['tar', 'tgz', 'zip']))
    .option('--wait', 'follow the deployment and exit non-zero unless it succeeds')
    .addOption(
      new Option('--file-exists-behavior <behavior>', 'what Install does with files that already exist').choices(['DISALLOW', 'OVERWRITE', 'RETAIN']),
    )
    .option('--ignore-application-stop-failures', 'move on when ApplicationStop, BeforeBlockTraffic or AfterBlockTraffic fails')
    .option('--description <text>', 'free text shown with the deployment')
    .action(async (app: string, group: string, options: DeployOptions) => {
      const client = context.client();
      const bundle = await packBundle(options.bundle, options.bundleType);
      let revision: UploadedRevision;
      try {
        revision = await client.upload<UploadedRevision>(
          `/api/v1/applications/${encodeURIComponent(app)}/revisions?bundleType=${bundle.bundleType}`,
          bundle.open(),
          bundle.size,
        );
      } finally {
        await bundle.dispose();
      }
      const created = await client.post<{ deploymentId: string; status: string }>('/api/v1/deployments', {
        applicationName: app,
        deploymentGroupName: group,
        revisionId: revision.revisionId,
        ignoreApplicationStopFailures: options.ignoreApplicationStopFailures ?? false,
        ...(options.fileExistsBehavior ? { fileExistsBehavior: options.fileExistsBehavior } : {}),
        ...(options.description ? { description: options.description } : {}),
      });
      if (!options.wait) {
        context.print({ deploymentId: created.deploymentId }, () => `${created.deploymentId} (${created.status}, revision ${revision.sha256.slice(0, 12)})`);
        return;
      }
      const json = program.opts<{ json?: boolean }>().json === true;
      if (!json) context.io.stdout(`${created.deploymentId} created (revision ${revision.sha256.slice(0, 12)})\n`);
      const final = await followDeployment(client, created.deploymentId, (line) => {
        if (!json) context.io.stdout(`${line}\n`);
      });
      if (json) {
        const { deploymentId, status, errorInformation, rollbackInfo } = final;
        context.io.stdout(`${JSON.stringify({ deploymentId, status, errorInformation, rollbackInfo }, null, 2)}\n`);
      }
      if (final.status !== 'Succeeded') throw new CliError(`DEPLOYMENT_${final.status.toUpperCase()}`, describeFailure(final));
    });
};
