import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecretMasker, err, type EventDiagnostics, type EventOutcome, type OutputLine, type Result } from '@baton/shared';
import { HOOK_KILL_GRACE_MS } from '../stop-bound.js';
import { planInvocation, type AgentUser, type Invocation, type InvocationRequest } from './invocation.js';
import { OutputLog } from './output-log.js';
import { runScript } from './run-script.js';
import { scriptFailed, type ScriptFailure } from './script-failure.js';
import { prepareScript } from './script-file.js';
import { lookupUser } from './user-lookup.js';

/** One script of a hook; structurally the appspec's `HookScript` from @baton/shared. */
export interface HookScript {
  readonly location: string;
  readonly timeoutSeconds: number;
  readonly runas?: string;
}

export interface RunHookInput {
  /** Lifecycle event name, e.g. 'ApplicationStart'. */
  readonly event: string;
  /** Run in order; the first failure ends the event. */
  readonly scripts: readonly HookScript[];
  /** Script locations are relative to this directory (the revision's bundle root). */
  readonly bundleDir: string;
  /** Added on top of the agent's environment (LIFECYCLE_EVENT, DEPLOYMENT_ID, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** <deployment-root>/<group-id>/<deployment-id>/logs/scripts.log; appended to, directories created. */
  readonly logFile: string;
  /** Each log line as it is written (live streaming). Must not throw (a throw is treated as a failure to log). */
  readonly onOutput?: (line: OutputLine) => void;
  /** Values masked as `****` in the log, its tail and the listener's lines (each line of a multi-line one too). */
  readonly secrets?: readonly string[];
  /** SIGTERM → SIGKILL grace at a deadline. */
  readonly killGraceMs?: number;
  /** Aborted when the agent stops: the running script is ended and the event fails as AgentRestarted. */
  readonly signal?: AbortSignal;
  /** Each script's pid as it starts (it leads its own process group). Must not throw. */
  readonly onScriptStarted?: (pid: number) => void;
}

export interface HookOutcome {
  readonly status: EventOutcome;
  readonly diagnostics: EventDiagnostics;
}

const DEFAULT_KILL_GRACE_MS = HOOK_KILL_GRACE_MS;

/**
 * Runs the scripts of one lifecycle event (reference section 4) and reports the event's outcome.
 * Script problems (missing, not executable, failing, timing out) become a Failed outcome; this only throws
 * for faults of the agent itself, such as a script log that cannot be written.
 */
export async function runHookScripts(input: RunHookInput): Promise<HookOutcome> {
  if (input.scripts.length === 0) return { status: 'Succeeded', diagnostics: succeededDiagnostics('') };

  const { uid, username } = userInfo();
  const agent = { uid, name: username };
  const log = OutputLog.open(input.logFile, input.onOutput, createSecretMasker(input.secrets ?? []));
  try {
    log.record('agent', `LifecycleEvent - ${input.event}`);
    for (const script of input.scripts) {
      log.record('agent', `Script - ${script.location}`);
      const result = await runHookScript(script, input, agent, log);
      log.throwIfFailed();
      if (!result.ok) {
        log.record('agent', result.error.message);
        log.throwIfFailed();
        const { errorCode, message } = result.error;
        const diagnostics = { errorCode, scriptName: script.location, message, logTail: log.tail() };
        return { status: 'Failed', diagnostics };
      }
    }
    return { status: 'Succeeded', diagnostics: succeededDiagnostics(log.tail()) };
  } finally {
    log.close();
  }
}

const succeededDiagnostics = (logTail: string): EventDiagnostics => ({
  errorCode: 'Success',
  message: 'Succeeded',
  logTail,
});

async function runHookScript(
  script: HookScript,
  input: RunHookInput,
  agent: AgentUser,
  log: OutputLog,
): Promise<Result<void, ScriptFailure>> {
  // Joined, not resolved, like the reference: a location written as '/scripts/x.sh' is still bundle-relative.
  const scriptPath = join(resolve(input.bundleDir), script.location);
  const prepared = await prepareScript(scriptPath, script.location);
  if (!prepared.ok) return prepared;
  if (prepared.value.madeExecutable) {
    log.record('agent', `Script at specified location: ${script.location} was not executable: added execute permission`);
  }

  const request = { scriptPath, location: script.location, env: input.env, agent };
  const invocation = await resolveInvocation(request, script.runas);
  if (!invocation.ok) return invocation;
  return runScript({
    invocation: invocation.value,
    location: script.location,
    timeoutSeconds: script.timeoutSeconds,
    killGraceMs: input.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    log,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
    ...(input.onScriptStarted === undefined ? {} : { onStarted: input.onScriptStarted }),
  });
}

/** Looks up the `runas` user, if any, and plans the invocation. */
async function resolveInvocation(
  request: Omit<InvocationRequest, 'runas'>,
  runasName: string | undefined,
): Promise<Result<Invocation, ScriptFailure>> {
  if (runasName === undefined) return planInvocation(request);
  const runas = await lookupUser(runasName);
  if (runas === undefined) return err(scriptFailed(request.location, runasName, 'cannot start: no such user'));
  return planInvocation({ ...request, runas });
}
