import { Option } from 'commander';
import type { RevisionView } from '../../http/views.js';
import type { RevisionLocation } from '../../revisions/revision-location.js';
import type { ApiClient } from '../api-client.js';
import { ApiClientError } from '../api-client.js';
import { packBundle } from '../bundle-pack.js';
import { CliError, type RegisterCommands } from '../context.js';
import { describeFailure, followDeployment } from '../deployment-progress.js';
import { parseLocationFlags, type LocationFlags } from '../location-flags.js';
import { signRevision } from '../sign-revision.js';

interface DeployOptions extends LocationFlags {
  signKey?: string;
  wait?: boolean;
  fileExistsBehavior?: 'DISALLOW' | 'OVERWRITE' | 'RETAIN';
  ignoreApplicationStopFailures?: boolean;
  description?: string;
  strategy?: string;
  strategyFile?: string;
}

interface CreatedDeployment {
  deploymentId: string;
  status: string;
  revisionId: string;
  errorInformation?: { code: string; message: string };
}

/**
 * `baton deploy APP GROUP <source>`: an uploaded bundle, an S3 object, a Git commit, a URL with its digest, or a
 * registered revision. The coordinator resolves a location once into its store; one it cannot resolve makes a
 * deployment that is Failed at once (REVISION_MISSING or INVALID_REVISION), and this command exits non-zero
 * saying which and why. With `--wait` it follows the deployment; the exit code says whether it succeeded.
 */
export const registerDeployCommand: RegisterCommands = (program, context) => {
  program
    .command('deploy')
    .description('deploy a revision to a deployment group')
    .argument('<app>', 'application name')
    .argument('<group>', 'deployment group name')
    .option('--bundle <path>', 'a directory (packed as tgz) or a .tar, .tgz or .zip archive, uploaded')
    .option('--s3 <s3://bucket/key>', 'an object in S3 or an S3-compatible store')
    .option('--version-id <id>', 'with --s3: the object version (versioned buckets)')
    .option('--etag <etag>', 'with --s3: the ETag the object must have')
    .addOption(new Option('--bundle-type <type>', 'archive type when the name does not tell').choices(['tar', 'tgz', 'zip']))
    .option('--git <url>', 'a Git repository (with --commit), or github:OWNER/REPO@SHA, bitbucket:OWNER/REPO@SHA')
    .option('--commit <sha>', 'with --git URL: the commit (a branch or tag is resolved to its commit now)')
    .option('--http <url>', 'an archive at an http(s) URL (with --sha256)')
    .option('--sha256 <hex>', 'with --http: the digest the archive must have')
    .option('--revision <id>', 'a revision registered before (redeploy an older build)')
    .option('--sign-key <file>', 'sign the revision with this ed25519 private key (PEM) before deploying')
    .option('--wait', 'follow the deployment and exit non-zero unless it succeeds')
    .addOption(
      new Option('--file-exists-behavior <behavior>', 'what Install does with files that already exist').choices(['DISALLOW', 'OVERWRITE', 'RETAIN']),
    )
    .option('--ignore-application-stop-failures', 'move on when ApplicationStop, BeforeBlockTraffic or AfterBlockTraffic fails')
    .option('--description <text>', 'free text stored with the deployment (not shown yet)')
    .addOption(
      new Option('--strategy <type>', "this deployment's strategy type, with the group's settings for it").choices(['inPlace', 'rolling', 'canary', 'blueGreen']),
    )
    .option('--strategy-file <file>', "a strategy block (YAML or JSON, as in the group file) laid over the group's for this deployment")
    .action(async (app: string, group: string, options: DeployOptions) => {
      const source = parseLocationFlags(options);
      if (!source.ok) throw new CliError('INVALID_ARGUMENTS', source.error);
      const client = context.client();
      const request = {
        applicationName: app,
        deploymentGroupName: group,
        ignoreApplicationStopFailures: options.ignoreApplicationStopFailures ?? false,
        ...(options.fileExistsBehavior ? { fileExistsBehavior: options.fileExistsBehavior } : {}),
        ...(options.description ? { description: options.description } : {}),
        ...(await strategyOverride(options)),
      };
      const deploy = (target: { revisionId: string } | { revision: RevisionLocation }) =>
        client.post<CreatedDeployment>('/api/v1/deployments', { ...request, ...target });

      let created: CreatedDeployment;
      const { value } = source;
      if (value.kind === 'location' && options.signKey === undefined) {
        created = await deploy({ revision: value.location });
      } else {
        // A revision to sign is registered first, so the signature is in place before any host asks for it.
        const registered = await registerRevision(client, app, value, options.bundleType);
        if ('revision' in registered) {
          created = await deploy({ revision: registered.revision });
        } else {
          const revision = options.signKey ? await signRevision(client, registered, options.signKey) : registered;
          created = await deploy({ revisionId: revision.revisionId });
        }
      }
      if (created.errorInformation) {
        const { code, message } = created.errorInformation;
        context.print(created, () => `${created.deploymentId} (${created.status}): ${code}: ${message}`);
        throw new CliError(code, `deployment ${created.deploymentId} failed before any host was touched: ${message}`);
      }
      const revision = await client.get<RevisionView>(`/api/v1/revisions/${encodeURIComponent(created.revisionId)}`);
      const shown = `revision ${revision.sha256?.slice(0, 12) ?? '?'} from ${revision.location}`;
      if (!options.wait) {
        context.print({ deploymentId: created.deploymentId, revisionId: created.revisionId }, () => `${created.deploymentId} (${created.status}, ${shown})`);
        return;
      }
      const json = program.opts<{ json?: boolean }>().json === true;
      if (!json) context.io.stdout(`${created.deploymentId} created (${shown})\n`);
      const final = await followDeployment(client, created.deploymentId, (line) => {
        if (!json) context.io.stdout(`${line}\n`);
      });
      if (json) {
        const { deploymentId, status, errorInformation, rollbackInfo } = final;
        context.io.stdout(`${JSON.stringify({ deploymentId, status, revisionId: created.revisionId, errorInformation, rollbackInfo }, null, 2)}\n`);
      }
      if (final.status !== 'Succeeded') throw new CliError(`DEPLOYMENT_${final.status.toUpperCase()}`, describeFailure(final));
    });
};

/**
 * The revision to deploy, registered: an upload, a resolved location, or one registered before. A location the
 * coordinator cannot resolve comes back as it is, to be deployed anyway: the deployment then records the failure.
 */
async function registerRevision(
  client: ApiClient,
  app: string,
  source: Exclude<ReturnType<typeof parseLocationFlags>, { ok: false }>['value'],
  bundleType: string | undefined,
): Promise<RevisionView | { revision: RevisionLocation }> {
  const revisions = `/api/v1/applications/${encodeURIComponent(app)}/revisions`;
  switch (source.kind) {
    case 'revision':
      return client.get<RevisionView>(`/api/v1/revisions/${encodeURIComponent(source.revisionId)}`);
    case 'location':
      try {
        return await client.post<RevisionView>(revisions, { location: source.location });
      } catch (error) {
        if (error instanceof ApiClientError && (error.code === 'REVISION_MISSING' || error.code === 'INVALID_REVISION')) {
          return { revision: source.location };
        }
        throw error;
      }
    case 'bundle': {
      const bundle = await packBundle(source.path, bundleType);
      try {
        return await client.upload<RevisionView>(`${revisions}?bundleType=${bundle.bundleType}`, bundle.open(), bundle.size);
      } finally {
        await bundle.dispose();
      }
    }
  }
}

/** `--strategy TYPE` and `--strategy-file FILE` become the deployment's strategy override (the file first, the type on top). */
async function strategyOverride(options: DeployOptions): Promise<{ strategy?: Record<string, unknown> }> {
  if (!options.strategy && !options.strategyFile) return {};
  const fromFile = options.strategyFile ? await readStrategyFile(options.strategyFile) : {};
  return { strategy: { ...fromFile, ...(options.strategy ? { type: options.strategy } : {}) } };
}

async function readStrategyFile(file: string): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  const { parse } = await import('yaml');
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new CliError('STRATEGY_FILE_UNREADABLE', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const value: unknown = parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('INVALID_STRATEGY_FILE', `${file} does not hold a strategy block`);
  return value as Record<string, unknown>;
}
