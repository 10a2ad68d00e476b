import { Option } from 'commander';
import { parseServerConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { deploymentService } from '../../runner/deployment-service.js';
import { startServer } from '../../server.js';
import { CliError, type RegisterCommands } from '../context.js';

interface ServerOptions {
  dataDir: string;
  listen: string;
  heartbeatInterval?: string;
  eventTimeout?: string;
  offlineEventTimeout?: string;
  enrollTokenTtl?: string;
  logLevel?: string;
}

/** `baton server`: runs the coordinator in the foreground until SIGINT or SIGTERM. */
export const registerServerCommand: RegisterCommands = (program, context) => {
  program
    .command('server')
    .description('run the coordinator')
    .addOption(new Option('--data-dir <dir>', 'database, bundles and admin token').env('BATON_DATA_DIR').makeOptionMandatory())
    .addOption(new Option('--listen <host:port>', 'address to serve on').env('BATON_LISTEN').default('127.0.0.1:7070'))
    .option('--heartbeat-interval <duration>', 'agent heartbeat interval, e.g. 5s')
    .option('--event-timeout <duration>', 'default limit of one lifecycle event, e.g. 1h')
    .option('--offline-event-timeout <duration>', 'how long an event may run on an offline host, e.g. 30s')
    .option('--enroll-token-ttl <duration>', 'default lifetime of enrollment tokens, e.g. 24h')
    .addOption(new Option('--log-level <level>', 'log level').env('BATON_LOG_LEVEL'))
    .action(async (options: ServerOptions) => {
      const config = parseServerConfig({
        dataDir: options.dataDir,
        listen: options.listen,
        heartbeatIntervalMs: options.heartbeatInterval,
        eventTimeoutMs: options.eventTimeout,
        offlineEventTimeoutMs: options.offlineEventTimeout,
        enrollTokenTtlMs: options.enrollTokenTtl,
        logLevel: options.logLevel,
      });
      if (!config.ok) throw new CliError('INVALID_CONFIG', config.error.replaceAll('\n', '; '));
      const server = await startServer(config.value, {
        logger: createLogger(config.value.logLevel),
        print: (line) => context.io.stdout(`${line}\n`),
        services: [deploymentService],
      });
      context.io.stdout(`Baton coordinator listening on ${server.url}\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      context.io.stderr(`stopped on ${signal}\n`);
    });
};
