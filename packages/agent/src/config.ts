/**
 * The agent's configuration, parsed once at start: CLI flags merged over `<root>/etc/baton/agent.yml`.
 *
 * Contract: every problem of both sources is reported at once (each message names its source: `agent.yml: …`
 * or `--flag: …`); the result is deeply frozen and passed in, nothing else reads flags, files or env.
 * Merge rule: a scalar flag replaces the file's value; `tags` and `env` merge per key, the flag winning;
 * `trusted-keys` from both sources are all trusted.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AgentPaths, Tags } from '@baton/shared/protocol';
import { err, ok, type Result } from '@baton/shared/result';
import { normaliseFingerprint, type CoordinatorTrust } from './connection/coordinator-trust.js';
import { configFileUnder, resolveLayout, type AgentLayout } from './layout.js';
import { RUNNING_EVENT_GRACE_MS } from './stop-bound.js';

export interface AgentConfig {
  /** HTTP(S) base URL of the coordinator, without a trailing slash. */
  readonly coordinatorUrl: string;
  /** WebSocket URL derived from it: http→ws, https→wss, path `AgentPaths.connect`. */
  readonly connectUrl: string;
  /** How an https coordinator's certificate is checked (see connection/coordinator-trust.ts). */
  readonly coordinatorTrust: CoordinatorTrust;
  /** Needed only for the first start, before `credentials.json` exists. */
  readonly enrollToken?: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Extra environment for every hook script. */
  readonly env: Readonly<Record<string, string>>;
  /** Development only: rebases appspec destinations and permission objects under this directory. */
  readonly filesRoot?: string;
  readonly maxRevisions: number;
  /**
   * Ed25519 public keys (PEM inline, or paths of PEM files). When there is any, DownloadBundle refuses a revision
   * without a valid signature by one of them, whatever the coordinator asks.
   */
  readonly trustedKeys: readonly string[];
  /** How often the host's CPU, memory, disk and load are reported. */
  readonly metricsIntervalMs: number;
  /** On SIGTERM, how long a running event may go on before its hook script is ended (see agent.ts). */
  readonly stopGraceMs: number;
  /** node-cron expression of the upkeep (retention and self-check, see upkeep/); 'off' disables it. */
  readonly upkeepSchedule: string;
  readonly layout: AgentLayout;
}

/** The flags of `baton-agent run`, as commander hands them over (camelCase). */
export interface AgentFlags {
  coordinator?: string;
  caFile?: string;
  coordinatorFingerprint?: string;
  enrollToken?: string;
  name?: string;
  tags?: string;
  env?: string[];
  filesRoot?: string;
  maxRevisions?: string;
  trustedKey?: string[];
  metricsInterval?: string;
  stopGrace?: string;
  upkeepSchedule?: string;
  root?: string;
}

const DEFAULT_MAX_REVISIONS = 5;
const DEFAULT_METRICS_INTERVAL_MS = 10_000;
/** Every day at 03:17, off the hour so that a fleet does not prune all at once with other cron jobs. */
const DEFAULT_UPKEEP_SCHEDULE = '17 3 * * *';

const FLAG_KEYS = {
  coordinator: 'coordinator',
  caFile: 'ca-file',
  coordinatorFingerprint: 'coordinator-fingerprint',
  enrollToken: 'enroll-token',
  name: 'name',
  tags: 'tags',
  env: 'env',
  filesRoot: 'files-root',
  maxRevisions: 'max-revisions',
  trustedKey: 'trusted-keys',
  metricsInterval: 'metrics-interval',
  stopGrace: 'stop-grace',
  upkeepSchedule: 'upkeep-schedule',
  root: 'root',
} as const satisfies Record<keyof AgentFlags, string>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** `k=v,k2=v2` (a bare `k` is a tag with an empty value) or a map. */
const TagsInput = z
  .union([z.string(), z.record(z.string(), Scalar)])
  .transform((input) => (typeof input === 'string' ? parseTagList(input) : input))
  .pipe(Tags);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A list of `KEY=VALUE` or a map. */
const EnvInput = z
  .union([z.array(z.string()), z.record(z.string(), Scalar)])
  .transform((input, ctx) => {
    if (Array.isArray(input)) {
      for (const item of input.filter((entry) => !entry.includes('='))) {
        ctx.addIssue({ code: 'custom', message: `expected KEY=VALUE, got "${item}"` });
      }
    }
    const entries = Array.isArray(input) ? input.map(splitAssignment) : Object.entries(input);
    for (const [key] of entries) {
      if (!ENV_NAME.test(key)) ctx.addIssue({ code: 'custom', message: `invalid environment variable name "${key}"` });
    }
    return Object.fromEntries(entries);
  });

const CoordinatorInput = z
  .url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' })
  .refine((url) => !/[?#]/.test(url), 'must not carry a query or fragment')
  .transform((url) => url.replace(/\/+$/, ''));

const PathInput = z.string().min(1).transform((path) => resolve(path));

const FingerprintInput = z
  .string()
  .refine((text) => normaliseFingerprint(text) !== undefined, 'expected sha256:<64 hex digits>, as `baton server --tls-self-signed` prints it');

const MaxRevisionsInput = z.coerce.number().int().min(1, 'must be at least 1');

/** Inline PEM keys stay as they are; anything else is a path. */
const TrustedKeysInput = z.array(z.string().min(1)).transform((keys) => keys.map((key) => (key.includes('-----BEGIN') ? key : resolve(key))));

/** Seconds, fractions allowed (`0.5` in tests). */
const MetricsIntervalInput = z.coerce.number().min(0.1, 'must be at least 0.1 (seconds)').transform((seconds) => Math.round(seconds * 1000));

/** Seconds, like metrics-interval. */
const StopGraceInput = z.coerce.number().min(0, 'must be 0 or more (seconds)').transform((seconds) => Math.round(seconds * 1000));

/** Five or six cron fields (node-cron checks them when the agent starts), or `off`. */
const UpkeepScheduleInput = z
  .string()
  .trim()
  .refine((text) => text === 'off' || /^\S+(\s+\S+){4,5}$/.test(text), "expected a cron expression such as '17 3 * * *', or off");

/** One source (file or flags); every key optional, unknown keys refused so typos do not pass silently. */
const ConfigLayer = z
  .object({
    coordinator: CoordinatorInput,
    'ca-file': PathInput,
    'coordinator-fingerprint': FingerprintInput,
    'enroll-token': z.string().min(1),
    name: z.string().min(1).max(255),
    tags: TagsInput,
    env: EnvInput,
    'files-root': PathInput,
    'max-revisions': MaxRevisionsInput,
    'trusted-keys': TrustedKeysInput,
    'metrics-interval': MetricsIntervalInput,
    'stop-grace': StopGraceInput,
    'upkeep-schedule': UpkeepScheduleInput,
    root: z.string(),
  })
  .partial()
  .strict();
type ConfigLayer = z.infer<typeof ConfigLayer>;

export interface ConfigSources {
  flags: AgentFlags;
  /** The parsed YAML of agent.yml, or undefined when there is no such file. */
  file: unknown;
  fileName: string;
  hostname: string;
}

/** Pure: merges and validates the two sources. */
export function parseAgentConfig(sources: ConfigSources): Result<AgentConfig, string[]> {
  const problems: string[] = [];
  const rawFile = (sources.file ?? {}) as Record<string, unknown>;
  const rawFlags = flagsToLayer(sources.flags);
  const fileLayer = parseLayer(rawFile, (key) => `${sources.fileName}: ${key}`, problems);
  const flagLayer = parseLayer(rawFlags, (key) => `--${key}`, problems);
  const merged: ConfigLayer = {
    ...fileLayer,
    ...flagLayer,
    tags: { ...fileLayer.tags, ...flagLayer.tags },
    env: { ...fileLayer.env, ...flagLayer.env },
    'trusted-keys': [...(fileLayer['trusted-keys'] ?? []), ...(flagLayer['trusted-keys'] ?? [])],
  };
  if (rawFile.coordinator === undefined && rawFlags.coordinator === undefined) {
    problems.push('coordinator: required (--coordinator or agent.yml)');
  }
  if (problems.length > 0 || merged.coordinator === undefined) return err(problems);

  const coordinatorUrl = merged.coordinator;
  return ok(
    deepFreeze({
      coordinatorUrl,
      connectUrl: `${coordinatorUrl.replace(/^http/, 'ws')}${AgentPaths.connect}`,
      coordinatorTrust: {
        ...(merged['ca-file'] === undefined ? {} : { caFile: merged['ca-file'] }),
        ...(merged['coordinator-fingerprint'] === undefined ? {} : { fingerprint: merged['coordinator-fingerprint'] }),
      },
      ...(merged['enroll-token'] === undefined ? {} : { enrollToken: merged['enroll-token'] }),
      name: merged.name ?? sources.hostname,
      tags: merged.tags ?? {},
      env: merged.env ?? {},
      ...(merged['files-root'] === undefined ? {} : { filesRoot: merged['files-root'] }),
      maxRevisions: merged['max-revisions'] ?? DEFAULT_MAX_REVISIONS,
      trustedKeys: merged['trusted-keys'] ?? [],
      metricsIntervalMs: merged['metrics-interval'] ?? DEFAULT_METRICS_INTERVAL_MS,
      stopGraceMs: merged['stop-grace'] ?? RUNNING_EVENT_GRACE_MS,
      upkeepSchedule: merged['upkeep-schedule'] ?? DEFAULT_UPKEEP_SCHEDULE,
      layout: resolveLayout(merged.root ?? ''),
    }),
  );
}

/** Reads `<root>/etc/baton/agent.yml` (root from the flags) and parses the config. */
export async function loadAgentConfig(flags: AgentFlags, hostname: string): Promise<Result<AgentConfig, string[]>> {
  const fileName = configFileUnder(flags.root ?? '');
  const text = await readOptionalFile(fileName);
  if (text === undefined) return parseAgentConfig({ flags, file: undefined, fileName, hostname });
  // Loaded only when there is a file: most agents are configured by flags, and yaml is heavy for an idle daemon.
  const { parse: parseYaml } = await import('yaml');
  let file: unknown;
  try {
    file = parseYaml(text);
  } catch (cause) {
    return err([`${fileName}: invalid YAML: ${(cause as Error).message}`]);
  }
  return parseAgentConfig({ flags, file, fileName, hostname });
}

function parseLayer(input: unknown, name: (key: string) => string, problems: string[]): ConfigLayer {
  const parsed = ConfigLayer.safeParse(input);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      problems.push(...issue.keys.map((key) => `${name(key)}: unknown setting`));
    } else {
      problems.push(`${name(issue.path.map(String).join('.') || '(root)')}: ${issue.message}`);
    }
  }
  return {};
}

function flagsToLayer(flags: AgentFlags): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(flags)
      .filter(([, value]) => value !== undefined)
      .map(([flag, value]) => [FLAG_KEYS[flag as keyof AgentFlags] ?? flag, value]),
  );
}

function parseTagList(list: string): Record<string, string> {
  return Object.fromEntries(
    list
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map(splitAssignment),
  );
}

function splitAssignment(item: string): [string, string] {
  const at = item.indexOf('=');
  return at === -1 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
}

async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}`, { cause });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
