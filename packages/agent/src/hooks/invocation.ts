import { err, ok, type Result } from '@baton/shared';
import { scriptFailed, type ScriptFailure } from './script-failure.js';
import type { SystemUser } from './user-lookup.js';

/** The command line and environment that start one hook script, and who it runs as (for messages). */
export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
  /** Added on top of the agent's own environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly userName: string;
}

/** The user the agent itself runs as. */
export interface AgentUser {
  readonly uid: number;
  readonly name: string;
}

export interface InvocationRequest {
  readonly scriptPath: string;
  readonly location: string;
  readonly env: Readonly<Record<string, string>>;
  readonly agent: AgentUser;
  /** The looked-up `runas` user, when the appspec names one. */
  readonly runas?: SystemUser;
}

/**
 * Decides how to start a script. With `runas` it runs as that user: uid, gid and the supplementary groups of
 * the user database, and HOME, SHELL, USER, LOGNAME as `su USER -c` (the reference) sets them.
 *
 * Switching users goes through `setpriv`, not Node's `uid`/`gid` spawn options (which drop all supplementary
 * groups instead of loading the user's) and not `su` (which forks, runs PAM, and refuses accounts whose shell
 * is nologin, such as `nobody`). setpriv calls initgroups, setgid, setuid and then execs the script in place,
 * so the script keeps the pid, and the process group, that the runner signals at the deadline.
 */
export function planInvocation(request: InvocationRequest): Result<Invocation, ScriptFailure> {
  const { scriptPath, location, env, agent, runas } = request;
  if (runas === undefined) return ok({ file: scriptPath, args: [], env, userName: agent.name });

  const identity = { HOME: runas.home, SHELL: runas.shell, USER: runas.name, LOGNAME: runas.name };
  const asUser = { env: { ...env, ...identity }, userName: runas.name };
  if (runas.uid === agent.uid) return ok({ file: scriptPath, args: [], ...asUser });
  if (agent.uid !== 0) {
    const reason = `cannot start: the agent runs as ${agent.name}, and only root can switch users`;
    return err(scriptFailed(location, runas.name, reason));
  }
  const args = [`--reuid=${runas.uid}`, `--regid=${runas.gid}`, '--init-groups', '--', scriptPath];
  return ok({ file: 'setpriv', args, ...asUser });
}
