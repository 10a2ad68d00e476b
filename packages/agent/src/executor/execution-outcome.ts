import type { EventDiagnostics, EventOutcome, LifecycleErrorCode } from '@baton/shared';

/** What running one lifecycle event on this host produced; the agent adds the command id and times. */
export interface ExecutionOutcome {
  status: EventOutcome;
  diagnostics: EventDiagnostics;
}

export const succeeded = (message = 'Succeeded', logTail = ''): ExecutionOutcome => ({
  status: 'Succeeded',
  diagnostics: { errorCode: 'Success', message, logTail },
});

export const failed = (errorCode: Exclude<LifecycleErrorCode, 'Success'>, message: string, logTail = ''): ExecutionOutcome => ({
  status: 'Failed',
  diagnostics: { errorCode, message, logTail },
});
