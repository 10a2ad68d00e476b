import { DEFAULT_ARCHIVE_LIMITS, MAX_FRAME_BYTES, err, ok, parseDuration, type Result } from '@baton/shared';
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

const HttpBaseUrl = z
  .url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' })
  .transform((url) => url.replace(/\/+$/, ''));

const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

/**
 * Where `--s3` revisions are fetched. Without keys the SDK's standard credential chain applies (environment,
 * shared files, instance roles); an S3-compatible store (MinIO, Ceph) usually wants `endpoint` and `forcePathStyle`.
 */
const S3Settings = z
  .object({
    endpoint: HttpBaseUrl.optional(),
    region: z.string().min(1).default('us-east-1'),
    forcePathStyle: Flag.default(false),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
  })
  .refine((s3) => (s3.accessKeyId === undefined) === (s3.secretAccessKey === undefined), 'give both the access key id and the secret key, or neither')
  .default({ region: 'us-east-1', forcePathStyle: false });

/** How `--git` revisions are fetched. The token and key are secrets: never logged, never put on a command line. */
const GitSettings = z
  .object({
    /** Sent as HTTP basic auth (`tokenUser:token`) to HTTPS Git servers. */
    token: z.string().min(1).optional(),
    /** GitHub accepts `x-access-token`; Bitbucket `x-token-auth`. */
    tokenUser: z.string().min(1).default('x-access-token'),
    sshKeyFile: z.string().min(1).optional(),
    knownHostsFile: z.string().min(1).optional(),
    /** Base URLs of the `github:` and `bitbucket:` shorthands (GitHub Enterprise, Bitbucket Server, mirrors). */
    githubUrl: HttpBaseUrl.default('https://github.com'),
    bitbucketUrl: HttpBaseUrl.default('https://bitbucket.org'),
  })
  .default({ tokenUser: 'x-access-token', githubUrl: 'https://github.com', bitbucketUrl: 'https://bitbucket.org' });

const Count = z.coerce.number().int().positive();

const WebhookSettings = z
  .object({
    attempts: Count.default(5),
    initialBackoffMs: PositiveDuration.default(10_000),
    timeoutMs: PositiveDuration.default(10_000),
  })
  .default({ attempts: 5, initialBackoffMs: 10_000, timeoutMs: 10_000 });

/**
 * Requests (and WebSocket upgrades) per client address: a token bucket of `burst`, refilled at `perSecond`;
 * `perSecond` 0 turns the limit off. Agents' requests with valid credentials are not charged (http/rate-limit.ts).
 */
const RateLimitSettings = z
  .object({
    perSecond: z.coerce.number().nonnegative().default(200),
    burst: Count.default(2000),
  })
  .default({ perSecond: 200, burst: 2000 });

const ServerConfigSchema = z.object({
  /** Holds the database, the blobs and the admin token. */
  dataDir: z.string().min(1),
  /** The key that seals secret variables; `<dataDir>/secrets.key`, created on the first start, when absent. */
  secretsKeyFile: z.string().min(1).optional(),
  listen: ListenAddress.default({ host: '127.0.0.1', port: 7070 }),
  /** HTTPS and WSS with the operator's certificate and key (PEM files). */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  /** HTTPS and WSS with a certificate generated on the first start and kept under `<dataDir>/tls/`. */
  tlsSelfSigned: Flag.default(false),
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
  /** The largest bundle stored, from any source. */
  maxUploadBytes: Count.default(DEFAULT_MAX_BLOB_BYTES),
  /** A bundle with more entries or a larger unpacked size is refused as INVALID_REVISION (zip and tar bombs). */
  maxBundleEntries: Count.default(DEFAULT_ARCHIVE_LIMITS.maxEntries),
  maxUnpackedBytes: Count.default(DEFAULT_ARCHIVE_LIMITS.maxUnpackedBytes),
  /** Unpacked bytes per archive byte, past 64 MiB unpacked; the agent's default is the same (see shared bundle/). */
  maxCompressionRatio: z.coerce.number().positive().default(DEFAULT_ARCHIVE_LIMITS.maxCompressionRatio),
  /** The largest API request body (JSON documents); the bundle upload has `maxUploadBytes` instead. */
  maxRequestBodyBytes: Count.default(1024 ** 2),
  /** The largest WebSocket frame an agent may send; agents send at most MAX_FRAME_BYTES, so less refuses some. */
  maxFrameBytes: Count.min(64 * 1024).default(MAX_FRAME_BYTES),
  rateLimit: RateLimitSettings,
  /** How long hook output is kept after its deployment ended (see logs/output-retention.ts). */
  logRetentionMs: PositiveDuration.default(30 * 24 * 3_600_000),
  /** How long fetching one revision (S3 object, Git commit, URL) may take. */
  revisionFetchTimeoutMs: PositiveDuration.default(600_000),
  s3: S3Settings,
  git: GitSettings,
  /** Triggers' webhook deliveries: attempts in all, the first retry's delay (doubling after), the limit of one attempt. */
  webhooks: WebhookSettings,
  /** When set, `GET /metrics` wants `Authorization: Bearer <metricsToken>`; open to any scraper otherwise. */
  metricsToken: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
  .refine((config) => (config.tlsCertFile === undefined) === (config.tlsKeyFile === undefined), {
    message: 'give both the TLS certificate and its key, or neither',
    path: ['tlsKeyFile'],
  })
  .refine((config) => !(config.tlsSelfSigned && config.tlsCertFile !== undefined), {
    message: 'a certificate file and a self-signed certificate exclude each other',
    path: ['tlsSelfSigned'],
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
  const { listen, s3, git, webhooks, rateLimit } = parsed.data;
  return ok(
    Object.freeze({
      ...parsed.data,
      listen: Object.freeze(listen),
      s3: Object.freeze(s3),
      git: Object.freeze(git),
      webhooks: Object.freeze(webhooks),
      rateLimit: Object.freeze(rateLimit),
    }),
  );
}
