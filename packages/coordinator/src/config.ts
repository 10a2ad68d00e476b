import { err, ok, parseDuration, type Result } from '@baton/shared';
import { z } from 'zod';
import { DEFAULT_MAX_BLOB_BYTES } from './revisions/blob-store.js';

/** A duration given as milliseconds or as text such as `30s`. */
const Duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'string' ? parseDuration(value) : ok(value);
  if (parsed.ok && Number.isSafeInteger(parsed.value) && parsed.value >= 0) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.ok ? `expected whole milliseconds, not ${value}` : parsed.error });
  return z.NEVER;
});

const PositiveDuration = Duration.refine((ms) => ms > 0, 'must be longer than 0');

/** `host:port`, `[ipv6]:port`; port 0 asks the system for a free port. */
const ListenAddress = z.string().transform((text, ctx) => {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port >= 0 && port <= 65_535)) {
    ctx.addIssue({ code: 'custom', message: `expected HOST:PORT such as 0.0.0.0:7070, not "${text}"` });
    return z.NEVER;
  }
  return { host, port };
});

const ServerConfigSchema = z.object({
  /** Holds the database, the blobs and the admin token. */
  dataDir: z.string().min(1),
  listen: ListenAddress.default({ host: '127.0.0.1', port: 7070 }),
  heartbeatIntervalMs: PositiveDuration.default(5000),
  /**
   * How long the coordinator waits for the result of one lifecycle event from a connected host: the hooks of
   * one event may take 3600 s (the reference's limit, enforced by the agent), plus time for the download.
   */
  eventTimeoutMs: PositiveDuration.default(3_900_000),
  /** How long an event may run on a host that went offline before it is given up. */
  offlineEventTimeoutMs: PositiveDuration.default(30_000),
  /** Lifetime of an enrollment token created without an explicit one. */
  enrollTokenTtlMs: PositiveDuration.default(24 * 3_600_000),
  maxUploadBytes: z.number().int().positive().default(DEFAULT_MAX_BLOB_BYTES),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServerConfig = Readonly<z.output<typeof ServerConfigSchema>>;
/** Raw values from flags, environment or a test: anything may be wrong, and the schema says what. */
export type ServerConfigInput = { readonly [K in keyof ServerConfig]?: unknown };

/**
 * The coordinator's configuration, parsed once: every problem is reported at once, one per line, and the
 * result is frozen.
 */
export function parseServerConfig(input: ServerConfigInput): Result<ServerConfig, string> {
  const parsed = ServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    return err(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('\n'));
  }
  return ok(Object.freeze({ ...parsed.data, listen: Object.freeze(parsed.data.listen) }));
}
