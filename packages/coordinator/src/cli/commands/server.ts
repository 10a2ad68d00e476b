import { Option } from 'commander';
import { CliError, type RegisterCommands } from '../context.js';

interface ServerOptions {
  dataDir: string;
  secretsKeyFile?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  heartbeatInterval?: string;
  eventTimeout?: string;
  offlineEventTimeout?: string;
  enrollTokenTtl?: string;
  logLevel?: string;
  maxBundleSize?: string;
  maxBundleEntries?: string;
  maxUnpackedSize?: string;
  maxCompressionRatio?: string;
  maxRequestBody?: string;
  maxFrameSize?: string;
  rateLimit?: string;
  rateLimitBurst?: string;
  revisionFetchTimeout?: string;
  logRetention?: string;
  webhookAttempts?: string;
  webhookBackoff?: string;
  webhookTimeout?: string;
  metricsToken?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3PathStyle?: boolean;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  gitToken?: string;
  gitTokenUser?: string;
  gitSshKey?: string;
  gitKnownHosts?: string;
  githubUrl?: string;
  bitbucketUrl?: string;
}

/** `baton server`: runs the coordinator in the foreground until SIGINT or SIGTERM. */
export const registerServerCommand: RegisterCommands = (program, context) => {
  program
    .command('server')
    .description('run the coordinator')
    .addOption(new Option('--data-dir <dir>', 'database, bundles and admin token').env('BATON_DATA_DIR').makeOptionMandatory())
    .addOption(new Option('--secrets-key-file <file>', 'the key sealing secret variables (default: <data-dir>/secrets.key, created on first start)').env('BATON_SECRETS_KEY_FILE'))
    .addOption(new Option('--listen <host:port>', 'address to serve on').env('BATON_LISTEN').default('127.0.0.1:7070'))
    .addOption(new Option('--tls-cert <file>', 'serve HTTPS/WSS with this certificate (PEM)').env('BATON_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'the private key of --tls-cert (PEM)').env('BATON_TLS_KEY'))
    .option('--tls-self-signed', 'serve HTTPS/WSS with a certificate generated on the first start (<data-dir>/tls/); prints its fingerprint')
    .option('--heartbeat-interval <duration>', 'agent heartbeat interval, e.g. 5s')
    .option('--event-timeout <duration>', 'default limit of one lifecycle event, e.g. 1h')
    .option('--offline-event-timeout <duration>', 'how long an event may run on an offline host, e.g. 30s')
    .option('--enroll-token-ttl <duration>', 'default lifetime of enrollment tokens, e.g. 24h')
    .addOption(new Option('--log-level <level>', 'log level').env('BATON_LOG_LEVEL'))
    .option('--max-bundle-size <bytes>', 'largest bundle stored, from any source (default 1 GiB)')
    .option('--max-bundle-entries <count>', 'most entries in a bundle (default 100000)')
    .option('--max-unpacked-size <bytes>', 'largest unpacked size of a bundle (default 4 GiB)')
    .option('--max-compression-ratio <ratio>', 'largest unpacked-to-archive size ratio of a bundle past 64 MiB unpacked (default 300)')
    .option('--max-request-body <bytes>', 'largest API request body; bundle uploads have --max-bundle-size (default 1 MiB)')
    .option('--max-frame-size <bytes>', 'largest WebSocket frame from an agent (default 1 MiB, which agents need)')
    .option('--rate-limit <per-second>', 'requests per second per client address, sustained; 0 turns the limit off (default 200)')
    .option('--rate-limit-burst <count>', 'requests per client address at once after a quiet spell (default 2000)')
    .option('--revision-fetch-timeout <duration>', 'limit for fetching one S3 object, Git commit or URL (default 10m)')
    .option('--log-retention <duration>', 'how long hook output (after its deployment ended) and finished webhook deliveries are kept (default 30d)')
    .option('--webhook-attempts <count>', "attempts to deliver one trigger's webhook, the first included (default 5)")
    .option('--webhook-backoff <duration>', 'delay before the first webhook retry, doubling after (default 10s)')
    .option('--webhook-timeout <duration>', 'limit of one webhook attempt (default 10s)')
    .addOption(new Option('--metrics-token <token>', 'require this bearer token on GET /metrics (open by default)').env('BATON_METRICS_TOKEN'))
    .addOption(new Option('--s3-endpoint <url>', 'S3-compatible endpoint (MinIO, Ceph); AWS by default').env('BATON_S3_ENDPOINT'))
    .addOption(new Option('--s3-region <region>', 'S3 region (default us-east-1)').env('BATON_S3_REGION'))
    .option('--s3-path-style', 'address buckets by path (most S3-compatible stores)')
    .addOption(new Option('--s3-access-key-id <id>', "S3 access key; the SDK's credential chain otherwise").env('BATON_S3_ACCESS_KEY_ID'))
    .addOption(new Option('--s3-secret-access-key <secret>', 'S3 secret key (prefer the environment variable)').env('BATON_S3_SECRET_ACCESS_KEY'))
    .addOption(new Option('--git-token <token>', 'token for private HTTPS repositories (prefer the environment variable)').env('BATON_GIT_TOKEN'))
    .option('--git-token-user <user>', 'user name sent with the token (x-access-token for GitHub, x-token-auth for Bitbucket)')
    .addOption(new Option('--git-ssh-key <file>', 'private key for SSH repositories').env('BATON_GIT_SSH_KEY'))
    .option('--git-known-hosts <file>', 'known_hosts for SSH repositories (new hosts are accepted on first use otherwise)')
    .option('--github-url <url>', 'base URL of github: shorthands (GitHub Enterprise, mirrors)')
    .option('--bitbucket-url <url>', 'base URL of bitbucket: shorthands (Bitbucket Server, mirrors)')
    .action(async (options: ServerOptions) => {
      // The server's modules (SQLite, the engine, the HTTP stack) load only for this command: every other
      // command is a small API client and starts fast.
      const [{ parseServerConfig }, { createLogger }, { SERVER_SERVICES }, { startServer, StartupError }] = await Promise.all([
        import('../../config.js'),
        import('../../logger.js'),
        import('../../server-services.js'),
        import('../../server.js'),
      ]);
      const config = parseServerConfig({
        dataDir: options.dataDir,
        secretsKeyFile: options.secretsKeyFile,
        listen: options.listen,
        tlsCertFile: options.tlsCert,
        tlsKeyFile: options.tlsKey,
        tlsSelfSigned: options.tlsSelfSigned,
        heartbeatIntervalMs: options.heartbeatInterval,
        eventTimeoutMs: options.eventTimeout,
        offlineEventTimeoutMs: options.offlineEventTimeout,
        enrollTokenTtlMs: options.enrollTokenTtl,
        logLevel: options.logLevel,
        maxUploadBytes: options.maxBundleSize,
        maxBundleEntries: options.maxBundleEntries,
        maxUnpackedBytes: options.maxUnpackedSize,
        maxCompressionRatio: options.maxCompressionRatio,
        maxRequestBodyBytes: options.maxRequestBody,
        maxFrameBytes: options.maxFrameSize,
        rateLimit: withoutUndefined({ perSecond: options.rateLimit, burst: options.rateLimitBurst }),
        revisionFetchTimeoutMs: options.revisionFetchTimeout,
        logRetentionMs: options.logRetention,
        webhooks: withoutUndefined({
          attempts: options.webhookAttempts,
          initialBackoffMs: options.webhookBackoff,
          timeoutMs: options.webhookTimeout,
        }),
        metricsToken: options.metricsToken,
        s3: withoutUndefined({
          endpoint: options.s3Endpoint,
          region: options.s3Region,
          forcePathStyle: options.s3PathStyle,
          accessKeyId: options.s3AccessKeyId,
          secretAccessKey: options.s3SecretAccessKey,
        }),
        git: withoutUndefined({
          token: options.gitToken,
          tokenUser: options.gitTokenUser,
          sshKeyFile: options.gitSshKey,
          knownHostsFile: options.gitKnownHosts,
          githubUrl: options.githubUrl,
          bitbucketUrl: options.bitbucketUrl,
        }),
      });
      if (!config.ok) throw new CliError('INVALID_CONFIG', config.error.replaceAll('\n', '; '));
      const server = await startServer(config.value, {
        logger: createLogger(config.value.logLevel),
        print: (line) => context.io.stdout(`${line}\n`),
        services: SERVER_SERVICES,
      }).catch((error: unknown) => {
        throw error instanceof StartupError ? new CliError(error.code, error.message) : error;
      });
      context.io.stdout(`Baton coordinator listening on ${server.url}\n`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      context.io.stderr(`stopped on ${signal}\n`);
    });
};

/** Leaves unset flags out, so the schema's defaults apply to them. */
function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
