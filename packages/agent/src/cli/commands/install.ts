/**
 * `baton-agent install`: enrolls, writes the configuration and the systemd unit, then starts the service when
 * systemd runs this host (and no --root was given); otherwise prints exactly what to run. The unit runs this
 * agent in the form it has (agent-form.ts): the package under node, or the single-file executable itself.
 */
import { hostname } from 'node:os';
import { AGENT_BIN, AGENT_FORM, agentCommand } from '../../agent-form.js';
import { readAgentVersion } from '../../agent-version.js';
import { installService } from '../../service/install-service.js';
import { formatSystemctl, isSystemdRunning, planStart, runSystemctl } from '../../service/systemd.js';
import { SERVICE_NAME } from '../../service/unit-file.js';
import { isProcessAlive } from '../../process/process-identity.js';
import { readAgentStatus } from '../../status/status-file.js';
import { AGENT_NODE_FLAGS } from '../../upgrade/launcher.js';
import { installLauncher, launcherPath, locateVersionedInstall, stableBinPath } from '../../upgrade/versioned-install.js';
import { failUsage } from './usage.js';

export interface InstallFlags {
  coordinator: string;
  caFile?: string;
  coordinatorFingerprint?: string;
  enrollToken?: string;
  name?: string;
  tags?: string;
  root?: string;
}

export async function install(flags: InstallFlags): Promise<void> {
  const root = flags.root ?? '';
  if (root === '' && process.getuid?.() !== 0) return failUsage(['install writes /etc and /var: run it as root (sudo)']);
  const versioned = locateVersionedInstall(AGENT_BIN);
  const installed = await installService({
    coordinator: flags.coordinator,
    ...(flags.caFile === undefined ? {} : { caFile: flags.caFile }),
    ...(flags.coordinatorFingerprint === undefined ? {} : { coordinatorFingerprint: flags.coordinatorFingerprint }),
    ...(flags.enrollToken === undefined ? {} : { enrollToken: flags.enrollToken }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.tags === undefined ? {} : { tags: flags.tags }),
    root,
    hostname: hostname(),
    // The bin's shebang flags, given explicitly because ExecStart names node itself (see bin/baton-agent.js); the
    // bin through `current` in a versioned installation, so that an upgrade's link swap is what the unit runs.
    agentCommand: agentCommand({ nodeFlags: AGENT_NODE_FLAGS, bin: stableBinPath(AGENT_BIN) }),
    launcherCommand: versioned && [process.execPath, launcherPath(versioned.prefix)],
  });
  if (!installed.ok) {
    for (const problem of installed.error) process.stderr.write(`baton-agent: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  // After the enrollment, like every other file: a refused token leaves nothing behind.
  if (versioned) await installLauncher(versioned.prefix);
  const { hostId, newlyEnrolled, changed, config } = installed.value;
  const { layout } = config;
  process.stdout.write(
    `${newlyEnrolled ? 'enrolled as' : 'already enrolled as'} ${hostId} (${config.name}) with ${config.coordinatorUrl}\n` +
      `configuration: ${layout.configFile}${changed ? '' : ' (unchanged)'}\nunit: ${layout.unitFile}\n`,
  );
  // A changed unit or configuration, or another version (install-agent.sh again: how a single-file agent is
  // upgraded), takes effect by a restart; but not in the middle of a lifecycle event, which the restart would
  // fail: the operator restarts the agent once the event is over.
  const version = readAgentVersion();
  const status = readAgentStatus(layout.statusFile);
  const runningAgent = status !== undefined && isProcessAlive(status.pid) ? status : undefined;
  const otherVersion = runningAgent !== undefined && runningAgent.agentVersion !== version;
  const inEvent = runningAgent?.running;
  const restart = (changed || otherVersion) && inEvent === undefined;
  if ((changed || otherVersion) && inEvent !== undefined) {
    const what = otherVersion ? `into ${version}` : 'with the new configuration';
    process.stdout.write(
      `the running agent is in ${inEvent.event} of ${inEvent.deploymentId}, so it was not restarted ${what}: ` +
        `run ${formatSystemctl(['restart', SERVICE_NAME])} once that is over\n`,
    );
  }
  const commands = planStart({ changed, restart });
  if (root !== '' || !isSystemdRunning()) {
    const why = root === '' ? 'systemd is not running on this host' : `installed under --root ${root}`;
    const rootFlag = root === '' ? '' : ` --root ${root}`;
    // The launcher restarts the agent after an upgrade and falls back from a broken one, as the unit does.
    const foreground = versioned ? `node ${launcherPath(versioned.prefix)} run${rootFlag}` : `${foregroundCommand()} run${rootFlag}`;
    process.stdout.write(
      `${why}, so the service was not started. To start it:\n` +
        commands.map((args) => `  ${formatSystemctl(args)}\n`).join('') +
        `or run the agent in the foreground: ${foreground}\n`,
    );
    return;
  }
  const started = await runSystemctl(commands);
  if (!started.ok) {
    process.stderr.write(`baton-agent: ${started.error}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`baton-agent.service is ${restart ? 'restarted' : 'enabled and running'}; see: baton-agent status\n`);
}

/** How an operator starts this agent by hand: the executable by its path; the package by its bin, as npm links it. */
const foregroundCommand = (): string => (AGENT_FORM === 'executable' ? AGENT_BIN : 'baton-agent');
