/**
 * The two forms the agent runs in: its package under Node.js (`node bin/baton-agent.js`, what install-agent.sh
 * installs where Node.js 20+ is present), or the single-file executable (a Node.js single executable application
 * that scripts/build-agent-executable.ts builds), whose bundled code has no files beside it: there,
 * `process.execPath` is the agent itself. Whatever starts the agent again (the systemd unit, the upkeep's
 * short-lived helper) asks here how.
 */
import { fileURLToPath } from 'node:url';

/** Defined (as `true`) by the executable's build only; a free, undeclared name everywhere else. */
declare const BATON_AGENT_EXECUTABLE: true | undefined;

export type AgentForm = 'package' | 'executable';

export const AGENT_FORM: AgentForm = typeof BATON_AGENT_EXECUTABLE === 'undefined' ? 'package' : 'executable';

/** The file that is the agent: the package's bin/baton-agent.js (from src/ or dist/ alike), or the executable. */
export const AGENT_BIN = AGENT_FORM === 'executable' ? process.execPath : fileURLToPath(new URL('../bin/baton-agent.js', import.meta.url));

export interface AgentCommandOptions {
  /** Node.js flags, for the package form (the executable takes none: its arguments are all the agent's). */
  readonly nodeFlags?: readonly string[];
  /** The package's bin to name instead of AGENT_BIN (the unit names it through a versioned installation's `current`). */
  readonly bin?: string;
}

/** The command line that runs `baton-agent …` in this form: the agent's own arguments follow it. */
export function agentCommand({ nodeFlags = [], bin = AGENT_BIN }: AgentCommandOptions = {}): [string, ...string[]] {
  return AGENT_FORM === 'executable' ? [process.execPath] : [process.execPath, ...nodeFlags, bin];
}
