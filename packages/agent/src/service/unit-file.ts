/**
 * The systemd unit of the agent. Pure: the paths come in, the file's text comes out.
 *
 * Choices, each for a reason:
 * - `Restart=always`: the agent must come back after anything, including a clean exit during an upgrade.
 * - `KillMode=process`: on stop or restart systemd signals only the agent; applications that hook scripts
 *   started (in their own process groups) keep running. The agent itself ends a running hook (see agent.ts).
 * - `TimeoutStopSec` above the agent's own bound for finishing a hook, so systemd never SIGKILLs it mid-report.
 * - `ExecStart=` names what runs the agent: node, with the flags of bin/baton-agent.js's shebang, and the bin; or
 *   the single-file executable alone (see agent-form.ts).
 * - `ExecStartPre=` runs the launcher outside the versioned directories (versioned installations only): before
 *   every start it falls back from an upgrade whose new version never connected (upgrade/launcher.ts). Its `-`
 *   prefix: a launcher that cannot run must not keep the agent down.
 * - No sandboxing (`PrivateTmp`, `ProtectSystem`, `ProtectHome`, `NoNewPrivileges`): hook scripts install
 *   packages, write anywhere, switch users with `runas` and start other services.
 */
import { agentStopBoundMs } from '../stop-bound.js';

export const SERVICE_NAME = 'baton-agent.service';

export interface UnitFileInput {
  /** The absolute command line that runs `baton-agent` (its `run` follows), from agentCommand() in agent-form.ts. */
  readonly agentCommand: readonly string[];
  /** The `--root` prefix ('' in production). */
  readonly root: string;
  /** The agent's `stop-grace`: systemd must wait longer than the agent's stop takes. */
  readonly stopGraceMs: number;
  /** `node <prefix>/launcher.mjs` of a versioned installation (its `prepare` follows); absent otherwise. */
  readonly launcherCommand?: readonly string[] | undefined;
}

export function renderUnitFile({ agentCommand, root, stopGraceMs, launcherCommand }: UnitFileInput): string {
  const command = [...agentCommand, 'run', ...(root === '' ? [] : ['--root', root])];
  const prepare = launcherCommand === undefined ? [] : [`ExecStartPre=-${[...launcherCommand, 'prepare'].map(quoteExecArgument).join(' ')}`];
  return [
    '# Written by `baton-agent install`; re-running it rewrites this file. Settings live in agent.yml.',
    '[Unit]',
    'Description=Baton deployment agent',
    'Documentation=https://github.com/baton/baton/blob/main/docs/operations.md',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...prepare,
    `ExecStart=${command.map(quoteExecArgument).join(' ')}`,
    'Restart=always',
    'RestartSec=5',
    'KillMode=process',
    `TimeoutStopSec=${Math.ceil(agentStopBoundMs(stopGraceMs) / 1000) + 30}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * One ExecStart argument as systemd reads it: quoted when it holds spaces, quotes or backslashes, with `%`
 * doubled (specifiers) and `$` doubled (variable expansion).
 */
export function quoteExecArgument(argument: string): string {
  const escaped = argument.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (!/[\s"'\\;]/.test(escaped) && escaped !== '') return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
