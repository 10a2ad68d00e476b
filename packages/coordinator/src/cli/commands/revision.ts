import type { RevisionView } from '../../http/views.js';
import type { RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';
import { signRevision } from '../sign-revision.js';

/** `baton revision list|get|sign`: the registry of an application's revisions. */
export const registerRevisionCommands: RegisterCommands = (program, context) => {
  const revisions = program.command('revision').description('registered revisions: where they came from, digests, signatures, use');

  revisions
    .command('list')
    .description("list an application's revisions, newest first")
    .argument('<app>', 'application name')
    .action(async (app: string) => {
      const list = await context.client().get<RevisionView[]>(`/api/v1/applications/${encodeURIComponent(app)}/revisions`);
      context.print(list, () =>
        formatTable(
          ['revision id', 'sha256', 'size', 'signed', 'registered', 'last deployed', 'location'],
          list.map((revision) => [
            revision.revisionId,
            revision.sha256?.slice(0, 12) ?? revision.error?.code ?? '-',
            revision.size === null ? '-' : String(revision.size),
            revision.signedBy.length === 0 ? '-' : String(revision.signedBy.length),
            revision.createdAt,
            revision.lastDeployedAt ?? '-',
            revision.location,
          ]),
        ),
      );
    });

  revisions
    .command('get')
    .description('show a revision and the deployments that used it')
    .argument('<id>', 'revision id')
    .action(async (id: string) => {
      const revision = await context.client().get<RevisionView>(`/api/v1/revisions/${encodeURIComponent(id)}`);
      context.print(revision, () => renderRevision(revision));
    });

  revisions
    .command('sign')
    .description("sign a revision's digest with an ed25519 private key (PEM); agents with trusted keys check it")
    .argument('<id>', 'revision id')
    .requiredOption('--key <file>', 'the private key, e.g. made with: openssl genpkey -algorithm ed25519 -out key.pem')
    .action(async (id: string, options: { key: string }) => {
      const client = context.client();
      const revision = await client.get<RevisionView>(`/api/v1/revisions/${encodeURIComponent(id)}`);
      const signed = await signRevision(client, revision, options.key);
      context.print(signed, () => `signed ${signed.revisionId} (${signed.sha256}); signed by ${signed.signedBy.join(', ')}`);
    });
};

function renderRevision(revision: RevisionView): string {
  const lines = [
    `${revision.revisionId} (${revision.applicationName}): ${revision.status}`,
    `  location    ${revision.location}`,
    ...(revision.error ? [`  error       ${revision.error.code}: ${revision.error.message}`] : []),
    ...(revision.sha256 ? [`  sha256      ${revision.sha256}`, `  size        ${revision.size} bytes (${revision.bundleType})`] : []),
    `  signed by   ${revision.signedBy.length === 0 ? '-' : revision.signedBy.join(', ')}`,
    `  registered  ${revision.createdAt}`,
    `  deployed    first ${revision.firstDeployedAt ?? '-'}, last ${revision.lastDeployedAt ?? '-'}`,
  ];
  const used = revision.deployments ?? [];
  if (used.length > 0) {
    lines.push('', formatTable(['deployment', 'group', 'status', 'created'], used.map((d) => [d.deploymentId, d.deploymentGroupName, d.status, d.createTime])));
  }
  return lines.join('\n');
}
