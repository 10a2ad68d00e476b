import type { LifecycleErrorCode } from '@baton/shared';

/**
 * Why one hook script did not succeed. The code decides behaviour; the message is for people and follows the
 * reference agent's wording, so users searching for a CodeDeploy error find the same advice.
 */
export interface ScriptFailure {
  readonly errorCode: Exclude<LifecycleErrorCode, 'Success' | 'UnknownError'>;
  readonly message: string;
}

export const describeScriptRun = (location: string, user: string): string =>
  `Script at specified location: ${location} run as user ${user}`;

export const scriptMissing = (absolutePath: string): ScriptFailure => ({
  errorCode: 'ScriptMissing',
  message: `Script does not exist at specified location: ${absolutePath}`,
});

export const scriptNotExecutable = (location: string, reason: string): ScriptFailure => ({
  errorCode: 'ScriptNotExecutable',
  message: `Script at specified location: ${location} is not executable: ${reason}`,
});

export const scriptTimedOut = (location: string, timeoutSeconds: number): ScriptFailure => ({
  errorCode: 'ScriptTimedOut',
  message: `Script at specified location: ${location} failed to complete in ${timeoutSeconds} seconds`,
});

/** The script exited but something it started still holds the named output pipe (see run-script.ts). */
export const scriptPipeHeld = (location: string, stream: 'STDOUT' | 'STDERR'): ScriptFailure => ({
  errorCode: 'ScriptTimedOut',
  message: `Script at specified location: ${location} failed to close ${stream}`,
});

export const scriptFailed = (location: string, user: string, what: string): ScriptFailure => ({
  errorCode: 'ScriptFailed',
  message: `${describeScriptRun(location, user)} ${what}`,
});

/** The agent is stopping (SIGTERM) and ended the script's process group instead of leaving it unreported. */
export const scriptInterrupted = (location: string, user: string): ScriptFailure => ({
  errorCode: 'AgentRestarted',
  message: `${describeScriptRun(location, user)} was ended because the agent is stopping`,
});
