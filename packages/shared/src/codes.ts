/**
 * Reason codes. Behaviour branches on these closed unions, never on message text.
 * Deployment-level codes use the reference's SCREAMING_SNAKE names; lifecycle event codes its PascalCase ones.
 */

export const DeploymentErrorCode = {
  HEALTH_CONSTRAINTS: 'HEALTH_CONSTRAINTS',
  HEALTH_CONSTRAINTS_INVALID: 'HEALTH_CONSTRAINTS_INVALID',
  HOOK_EXECUTION_FAILURE: 'HOOK_EXECUTION_FAILURE',
  AGENT_ISSUE: 'AGENT_ISSUE',
  ALARM_ACTIVE: 'ALARM_ACTIVE',
  MANUAL_STOP: 'MANUAL_STOP',
  NO_INSTANCES: 'NO_INSTANCES',
  REVISION_MISSING: 'REVISION_MISSING',
  INVALID_REVISION: 'INVALID_REVISION',
  TIMEOUT: 'TIMEOUT',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type DeploymentErrorCode = (typeof DeploymentErrorCode)[keyof typeof DeploymentErrorCode];

/** Diagnostics code of one lifecycle event on one host (reference section 4, plus Baton's AgentRestarted). */
export const LifecycleErrorCode = {
  Success: 'Success',
  ScriptMissing: 'ScriptMissing',
  ScriptNotExecutable: 'ScriptNotExecutable',
  ScriptTimedOut: 'ScriptTimedOut',
  ScriptFailed: 'ScriptFailed',
  UnknownError: 'UnknownError',
  AgentRestarted: 'AgentRestarted',
} as const;
export type LifecycleErrorCode = (typeof LifecycleErrorCode)[keyof typeof LifecycleErrorCode];
