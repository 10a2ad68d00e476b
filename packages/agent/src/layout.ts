import { join, resolve } from 'node:path';

/**
 * The agent's on-disk layout. Every path sits under the `--root` prefix ('' in production, a temp dir in
 * tests), so one prefix moves the whole agent.
 */
export interface AgentLayout {
  readonly root: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  /** DEPLOYMENT_ROOT: `<group-id>/<deployment-id>/…` plus `deployment-instructions/`. */
  readonly deploymentRoot: string;
  /** The command journal, one JSON file per received command. */
  readonly commandsDir: string;
  readonly logFile: string;
  /** `var/lib/baton-agent`: everything the agent keeps (deployment root, journal, status); `uninstall --purge` removes it. */
  readonly stateDir: string;
  /** `var/log/baton`: the agent log and its rotated files. */
  readonly logDir: string;
  /** What the running agent is doing now, for `baton-agent status` (see status/status-file.ts). */
  readonly statusFile: string;
  /** The systemd unit `baton-agent install` writes. */
  readonly unitFile: string;
}

export function resolveLayout(root: string): AgentLayout {
  const base = root === '' ? '/' : resolve(root);
  return {
    root: base,
    configFile: configFileUnder(root),
    credentialsFile: join(base, 'etc/baton/credentials.json'),
    deploymentRoot: join(base, 'var/lib/baton-agent/deployment-root'),
    commandsDir: join(base, 'var/lib/baton-agent/commands'),
    logFile: join(base, 'var/log/baton/agent.log'),
    stateDir: join(base, 'var/lib/baton-agent'),
    logDir: join(base, 'var/log/baton'),
    statusFile: join(base, 'var/lib/baton-agent/status.json'),
    unitFile: join(base, 'etc/systemd/system/baton-agent.service'),
  };
}

/** Where the config file lives; needed before the config (which may itself name a root) is parsed. */
export const configFileUnder = (root: string): string =>
  join(root === '' ? '/' : resolve(root), 'etc/baton/agent.yml');

/** The directory of one deployment on this host: bundle, deployment-archive/ and logs/. */
export interface DeploymentDirs {
  readonly dir: string;
  readonly bundleFile: string;
  readonly archiveDir: string;
  readonly scriptsLog: string;
}

export function deploymentDirs(deploymentRoot: string, groupId: string, deploymentId: string): DeploymentDirs {
  return deploymentDirsAt(join(deploymentRoot, groupId, deploymentId));
}

/** The same layout for a directory named by an install record (which stores the absolute path). */
export function deploymentDirsAt(dir: string): DeploymentDirs {
  return {
    dir,
    bundleFile: join(dir, 'bundle'),
    archiveDir: join(dir, 'deployment-archive'),
    scriptsLog: join(dir, 'logs', 'scripts.log'),
  };
}
