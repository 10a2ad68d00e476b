/**
 * `baton-agent run`: parses the configuration once, starts the agent, and stops it cleanly on SIGTERM/SIGINT.
 * An event still running at that moment stays `running` in the journal; the next start reports it as
 * AgentRestarted. SIGUSR2 logs the process's memory (see memory-report.ts).
 */
import { hostname } from 'node:os';
import { Command } from 'commander';
import { AgentStartRefused, startAgent } from '../agent.js';
import { readAgentVersion } from '../agent-version.js';
import { loadAgentConfig, type AgentFlags } from '../config.js';
import { createAgentLogger } from '../logging.js';
import { reportMemoryOnSignal } from '../memory-report.js';
import { registerHostCommands } from './commands/register.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

async function run(flags: AgentFlags): Promise<void> {
  const config = await loadAgentConfig(flags, hostname());
  if (!config.ok) {
    for (const problem of config.error) process.stderr.write(`baton-agent: ${problem}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createAgentLogger({ file: config.value.layout.logFile });
  let agent: Awaited<ReturnType<typeof startAgent>>;
  try {
    agent = await startAgent(config.value, logger);
  } catch (error) {
    // A refusal's message says what to fix; only a fault needs its stack.
    if (error instanceof AgentStartRefused) logger.error(error.message);
    else logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (reason: NodeJS.Signals | 'restart', exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    // Exit explicitly: a hook script still running would otherwise keep the process alive.
    agent.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', (signal) => stop(signal));
  process.on('SIGINT', (signal) => stop(signal));
  // After an upgrade (or its fallback) systemd's Restart=always, or the launcher, starts whatever `current` now points at.
  void agent.exitRequested.then((code) => stop('restart', code));
  reportMemoryOnSignal(logger);
}

const program = new Command('baton-agent').description('Baton host agent').version(readAgentVersion());
program
  .command('run')
  .description('enroll if needed, connect to the coordinator and run lifecycle events')
  .option('--coordinator <url>', 'coordinator base URL (http:// or https://)')
  .option('--ca-file <file>', 'PEM file of the authority that signed the coordinator\'s certificate (instead of the system\'s)')
  .option('--coordinator-fingerprint <sha256>', 'pin the coordinator\'s certificate: sha256:… as baton server --tls-self-signed prints it')
  .option('--enroll-token <token>', 'enrollment token, needed for the first start only')
  .option('--root <dir>', "prefix of every agent path ('' in production)")
  .option('--name <name>', 'host name shown by the coordinator (default: the hostname)')
  .option('--tags <k=v,...>', 'host tags, e.g. role=web,env=prod')
  .option('--env <KEY=VALUE>', 'extra environment for hook scripts (repeatable)', collect)
  .option('--files-root <dir>', 'development only: rebase appspec destinations under this directory')
  .option('--max-revisions <n>', 'revisions kept per deployment group (default 5)')
  .option('--trusted-key <file>', 'ed25519 public key (PEM); deploy only revisions signed by a trusted key (repeatable)', collect)
  .option('--metrics-interval <seconds>', 'how often host metrics are reported (default 10)')
  .option('--stop-grace <seconds>', 'on SIGTERM, how long a running event may finish before its hook is ended (default 20)')
  .option('--upkeep-schedule <cron>', "when retention and the self-check run (default '17 3 * * *'; 'off')")
  .action(run);
registerHostCommands(program);

// Not awaited at the top level: the single-file executable bundles this module as CommonJS, which has none. A
// rejection still ends the process with its error, as an unhandled rejection does.
void program.parseAsync(process.argv);
