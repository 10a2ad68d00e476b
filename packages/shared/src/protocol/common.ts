import { z } from 'zod';
import { LifecycleErrorCode } from '../codes.js';
import { isLifecycleEventName, type LifecycleEventName } from '../lifecycle.js';

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256 digest');
export const IsoTime = z.string().datetime({ offset: true });

export const BundleType = z.enum(['tar', 'tgz', 'zip']);
export type BundleType = z.infer<typeof BundleType>;

export const FileExistsBehavior = z.enum(['DISALLOW', 'OVERWRITE', 'RETAIN']);
export type FileExistsBehavior = z.infer<typeof FileExistsBehavior>;

export const LifecycleEventNameSchema = z.custom<LifecycleEventName>(
  (value) => typeof value === 'string' && isLifecycleEventName(value),
  { message: 'unknown lifecycle event name' },
);

export const LifecycleErrorCodeSchema = z.enum(
  Object.values(LifecycleErrorCode) as [LifecycleErrorCode, ...LifecycleErrorCode[]],
);

/** What an agent reports about one finished lifecycle event. */
export const EventDiagnostics = z.object({
  errorCode: LifecycleErrorCodeSchema,
  scriptName: z.string().optional(),
  message: z.string(),
  /** The end of the event's script output (at least 4 KB when there is that much). */
  logTail: z.string(),
});
export type EventDiagnostics = z.infer<typeof EventDiagnostics>;

/** Bounds of what travels in one result: far below any frame limit, generous for people reading them. */
export const DIAGNOSTIC_LIMITS = { message: 4096, scriptName: 1024, logTail: 16_384 } as const;

/**
 * Diagnostics cut to DIAGNOSTIC_LIMITS (the start of the message and script name, the end of the log tail), so a
 * huge error message can never make a result too large to deliver — a result the coordinator refuses would be
 * resent on every reconnect.
 */
export function boundDiagnostics(diagnostics: EventDiagnostics): EventDiagnostics {
  const head = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  const tail = (text: string, max: number) => (text.length <= max ? text : `…${text.slice(text.length - max + 1)}`);
  return {
    ...diagnostics,
    message: head(diagnostics.message, DIAGNOSTIC_LIMITS.message),
    ...(diagnostics.scriptName === undefined ? {} : { scriptName: head(diagnostics.scriptName, DIAGNOSTIC_LIMITS.scriptName) }),
    logTail: tail(diagnostics.logTail, DIAGNOSTIC_LIMITS.logTail),
  };
}

export const HostFacts = z.object({
  hostname: z.string(),
  platform: z.string(),
  os: z.string(),
  arch: z.string(),
  release: z.string(),
});
export type HostFacts = z.infer<typeof HostFacts>;

/** Tags are string key/value pairs; a tag may have an empty value. */
export const Tags = z.record(z.string().min(1).max(128), z.string().max(256));
export type Tags = z.infer<typeof Tags>;
