import type { VariableView } from '../../http/routes/variables.js';
import { CliError, type RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';

interface ScopeOptions {
  group?: string;
}

/** `baton var set|list|unset`: variables (and secrets) every hook of an application's or group's deployments gets. */
export const registerVarCommands: RegisterCommands = (program, context) => {
  const vars = program.command('var').description("manage the variables and secrets given to an application's hooks");
  const groupOption = ['--group <group>', "the deployment group's variables (they override the application's)"] as const;

  vars
    .command('set')
    .description('set a variable; with --secret and no =VALUE the value is read from stdin, out of the shell history')
    .argument('<app>', 'application name')
    .argument('<assignment>', 'NAME=VALUE, or NAME with --secret')
    .option(...groupOption)
    .option('--secret', 'seal the value at rest and mask it (****) in every log and answer')
    .action(async (app: string, assignment: string, options: ScopeOptions & { secret?: boolean }) => {
      const { name, value } = await parseAssignment(assignment, options.secret === true);
      const body = { value, ...(options.secret ? { secret: true } : {}) };
      const set = await context.client().put<VariableView>(variablePath(app, options, name), body);
      context.print(set, () => `set ${set.name} on ${ownerLabel(app, options)}${set.secret ? ' (secret)' : ''}`);
    });

  vars
    .command('list')
    .description('list the variables of an application or a group (secrets as ****)')
    .argument('<app>', 'application name')
    .option(...groupOption)
    .action(async (app: string, options: ScopeOptions) => {
      const list = await context.client().get<VariableView[]>(variablePath(app, options));
      context.print(list, () =>
        formatTable(
          ['name', 'value', 'secret', 'updated'],
          list.map((variable) => [variable.name, variable.value, variable.secret ? 'yes' : 'no', variable.updatedAt]),
        ),
      );
    });

  vars
    .command('unset')
    .description('remove a variable')
    .argument('<app>', 'application name')
    .argument('<name>', 'variable name')
    .option(...groupOption)
    .action(async (app: string, name: string, options: ScopeOptions) => {
      await context.client().delete(variablePath(app, options, name));
      context.print({ name, removed: true }, () => `removed ${name} from ${ownerLabel(app, options)}`);
    });
};

function variablePath(app: string, { group }: ScopeOptions, name?: string): string {
  const owner = `/api/v1/applications/${encodeURIComponent(app)}${group === undefined ? '' : `/deployment-groups/${encodeURIComponent(group)}`}`;
  return `${owner}/variables${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

const ownerLabel = (app: string, { group }: ScopeOptions): string => (group === undefined ? app : `${app}/${group}`);

/** `NAME=VALUE` (the value may contain `=`); a secret given as `NAME` alone is read from stdin. */
async function parseAssignment(assignment: string, secret: boolean): Promise<{ name: string; value: string }> {
  const at = assignment.indexOf('=');
  if (at > 0) return { name: assignment.slice(0, at), value: assignment.slice(at + 1) };
  if (at === -1 && secret) return { name: assignment, value: await readStdinValue() };
  throw new CliError('INVALID_ARGUMENT', `expected NAME=VALUE (or NAME alone with --secret, to read the value from stdin), not "${assignment}"`);
}

/**
 * The whole of stdin, less one final newline (`echo` and here-strings add it; a multi-line value keeps its
 * inner newlines). A terminal is told what is awaited, on stderr so that stdout stays the command's answer.
 */
async function readStdinValue(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('enter the secret value, then Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
