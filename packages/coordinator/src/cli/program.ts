import { Command, CommanderError, Option } from 'commander';
import { ApiClient, ApiClientError } from './api-client.js';
import { registerAppCommands } from './commands/app.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerDeployCommand } from './commands/deploy.js';
import { registerDeploymentCommands } from './commands/deployment.js';
import { registerEnrollTokenCommands } from './commands/enroll-token.js';
import { registerGroupCommands } from './commands/group.js';
import { registerHostCommands } from './commands/hosts.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerRevisionCommands } from './commands/revision.js';
import { registerServerCommand } from './commands/server.js';
import { registerTokenCommands } from './commands/token.js';
import { registerTriggerCommands } from './commands/trigger.js';
import { registerVarCommands } from './commands/var.js';
import { CliError, type CliContext, type CliIo, type RegisterCommands } from './context.js';

/** Every command group, in help order. */
const COMMAND_GROUPS: readonly RegisterCommands[] = [
  registerServerCommand,
  registerEnrollTokenCommands,
  registerTokenCommands,
  registerHostCommands,
  registerAppCommands,
  registerGroupCommands,
  registerTriggerCommands,
  registerDeployCommand,
  registerDeploymentCommands,
  registerLogsCommand,
  registerRevisionCommands,
  registerVarCommands,
  registerBackupCommands,
  registerAuditCommand,
];

interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

export function createProgram(io: CliIo): Command {
  const program = new Command('baton')
    .description('Baton: self-hosted, CodeDeploy-compatible deployments')
    .addOption(new Option('--url <url>', 'coordinator URL').env('BATON_URL').default('http://127.0.0.1:7070'))
    .addOption(new Option('--token <token>', 'API token (see baton token create)').env('BATON_TOKEN'))
    .option('--json', 'print machine-readable JSON')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const context: CliContext = {
    io,
    client: () => new ApiClient({ baseUrl: globals().url, token: globals().token }),
    print: (value, render) => io.stdout(`${globals().json ? JSON.stringify(value, null, 2) : render()}\n`),
  };
  for (const register of COMMAND_GROUPS) register(program, context);
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves to the exit code. Expected
 * failures print `error: CODE: message` on stderr and exit 1; anything else is a bug and rejects.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (usage errors, --help, --version).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ApiClientError || error instanceof CliError) {
      io.stderr(`error: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
