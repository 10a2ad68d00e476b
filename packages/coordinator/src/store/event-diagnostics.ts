import type { EventDiagnostics } from '@baton/shared';

/** The diagnostics columns of a `lifecycle_events` row. */
export interface DiagnosticsColumns {
  readonly error_code: string | null;
  readonly script_name: string | null;
  readonly message: string | null;
  readonly log_tail: string | null;
}

/** An event's diagnostics as stored, or nothing when the event has none yet (no error code recorded). */
export function diagnosticsOf(row: DiagnosticsColumns): { diagnostics: EventDiagnostics } | Record<string, never> {
  if (row.error_code === null) return {};
  return {
    diagnostics: {
      errorCode: row.error_code as EventDiagnostics['errorCode'],
      ...(row.script_name === null ? {} : { scriptName: row.script_name }),
      message: row.message ?? '',
      logTail: row.log_tail ?? '',
    },
  };
}
