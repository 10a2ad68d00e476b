/**
 * The systemd unit of the agent. Pure: the paths come in, the file's text comes out.
 *
 * Choices, each for a reason:
 * - `Restart=always`: the agent must come back after anything, including a clean exit during an upgrade.
 * - `KillMode=process`: on stop or restart systemd signals only the agent; applications that hook scripts
 *   started (in their own process groups) keep running. The agent itself ends a running hook (see agent.ts).
 * - `TimeoutStopSec` above the agent's own bound for finishing a hook, so systemd never SIGKILLs it mid-report.
 * - No sandboxing (`PrivateTmp`, `ProtectSystem`, `ProtectHome`, `NoNewPrivileges`): hook scripts install
 *   packages, write anywhere, switch users with `runas` and start other services.
 */
import { agentStopBoundMs } from '../stop-bound.js';

export const SERVICE_NAME = 'baton-agent.service';

export interface UnitFileInput {
  /** Absolute path of the Node.js binary. */
  readonly nodePath: string;
  /** Absolute path of `bin/baton-agent.js`. */
  readonly binPath: string;
  /** The `--root` prefix ('' in production). */
  readonly root: string;
  /** The agent's `stop-grace`: systemd must wait longer than the agent's stop takes. */
  readonly stopGraceMs: number;
}

export function renderUnitFile({ nodePath, binPath, root, stopGraceMs }: UnitFileInput): string {
  // The bin's shebang flags, given explicitly because ExecStart names node itself (see bin/baton-agent.js).
  const command = [nodePath, '--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm', binPath, 'run', ...(root === '' ? [] : ['--root', root])];
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
