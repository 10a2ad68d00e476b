/**
 * The host operator's commands beside `run`: install/uninstall as a service, logs, status and local deployments.
 * Each action is imported when its command runs, so `baton-agent run` (the long-lived daemon) loads none of them.
 */
import type { Command } from 'commander';

export function registerHostCommands(program: Command): void {
  program
    .command('install')
    .description('enroll this host, write agent.yml and a systemd unit, and start the agent as a service')
    .requiredOption('--coordinator <url>', 'coordinator base URL (http:// or https://)')
    .option('--ca-file <file>', 'PEM file of the authority that signed the coordinator\'s certificate (instead of the system\'s)')
    .option('--coordinator-fingerprint <sha256>', 'pin the coordinator\'s certificate: sha256:… as baton server --tls-self-signed prints it')
    .option('--enroll-token <token>', 'enrollment token (not needed when this host is already enrolled)')
    .option('--name <name>', 'host name shown by the coordinator (default: the hostname)')
    .option('--tags <k=v,...>', 'host tags, e.g. role=web,env=prod')
    .option('--root <dir>', 'install under this prefix instead of / (tests, containers); never runs systemctl')
    .action(async (flags) => (await import('./install.js')).install(flags));

  program
    .command('uninstall')
    .description('stop and remove the service; keeps deployed applications')
    .option('--purge', "also remove the agent's configuration, identity, state and logs")
    .option('--root <dir>', 'the prefix given to install')
    .action(async (flags) => (await import('./uninstall.js')).uninstall(flags));

  program
    .command('status')
    .description('what the agent is doing: connection, identity, running event, last revisions, disk used')
    .option('--root <dir>', "prefix of every agent path ('' in production)")
    .option('--json', 'print JSON')
    .action(async (flags) => (await import('./status.js')).status(flags));

  program
    .command('logs')
    .description("the agent's log and the hook output of deployments, merged in time order")
    .option('--deployment <id>', 'only this deployment')
    .option('--event <name>', 'only this lifecycle event')
    .option('--since <duration>', 'only the last DURATION (30s, 15m, 24h, 7d)')
    .option('-f, --follow', 'keep printing lines as they are written')
    .option('--json', 'one JSON object per line')
    .option('--root <dir>', "prefix of every agent path ('' in production)")
    .action(async (flags) => (await import('./logs.js')).logs(flags));

  program
    .command('upkeep')
    .description('run the scheduled upkeep now: retention of old revisions and logs, and the self-check')
    .option('--root <dir>', "prefix of every agent path ('' in production)")
    .option('--json', 'print JSON')
    .option('--next-run <cron>', 'only print when this cron expression next fires (the daemon uses it)')
    .action(async (flags) => (await import('./upkeep.js')).upkeep(flags));

  program
    .command('local-deploy')
    .description('run the lifecycle of a local bundle on this host, without a coordinator (like codedeploy-local)')
    .requiredOption('--bundle <path>', 'a directory, or a .tar, .tgz/.tar.gz or .zip archive')
    .option('--bundle-type <type>', 'tar, tgz, zip or directory (default: from the path)')
    .option('--events <E1,E2,...>', 'events to run (DownloadBundle and Install always run; lifecycle order)')
    .option('--file-exists-behavior <b>', 'DISALLOW, OVERWRITE or RETAIN, when the appspec does not say')
    .option('--application-name <name>', 'APPLICATION_NAME for the hooks (default: the bundle path)')
    .option('--group-name <name>', 'DEPLOYMENT_GROUP_NAME for the hooks; one directory per group', 'LocalFleet')
    .option('--root <dir>', "prefix of every agent path ('' in production)")
    .option('--files-root <dir>', 'development only: rebase appspec destinations under this directory')
    .action(async (flags) => (await import('./local-deploy.js')).localDeploy(flags));
}
