import { Option, type Command } from 'commander';
import { NDJSON_TYPE, type OutputRecord } from '../../logs/output-format.js';
import type { RegisterCommands } from '../context.js';
import { styleOutputLine } from '../output-line-style.js';
import { readLines } from '../read-lines.js';

interface LogsOptions {
  host?: string;
  event?: string;
  follow?: boolean;
  color: 'auto' | 'always' | 'never';
}

/** `baton logs DEPLOYMENT`: the hook output of every host, as the scripts wrote it. */
export const registerLogsCommand: RegisterCommands = (program, context) => {
  program
    .command('logs')
    .description("print a deployment's hook output from every host, each line prefixed by its host and event")
    .argument('<deployment>', 'deployment id')
    .option('--host <host>', 'only this host (name or id)')
    .option('--event <event>', 'only this lifecycle event, e.g. ApplicationStart')
    .option('-f, --follow', 'keep printing new lines as the scripts write them, until the deployment ends')
    .addOption(new Option('--color <when>', 'colour the output').choices(['auto', 'always', 'never']).default('auto'))
    .action(async (id: string, options: LogsOptions, command: Command) => {
      const query = new URLSearchParams();
      if (options.host) query.set('host', options.host);
      if (options.event) query.set('event', options.event);
      if (options.follow) query.set('follow', 'true');
      const body = await context.client().stream(`/api/v1/deployments/${encodeURIComponent(id)}/logs?${query}`, NDJSON_TYPE);
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const colour = options.color === 'always' || (options.color === 'auto' && process.stdout.isTTY === true);
      for await (const line of readLines(body)) {
        // Under --json the API's NDJSON goes through as it is: one record per line, for tools to read as it streams.
        context.io.stdout(`${json ? line : styleOutputLine(JSON.parse(line) as OutputRecord, colour)}\n`);
      }
    });
};
