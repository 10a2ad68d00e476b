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
