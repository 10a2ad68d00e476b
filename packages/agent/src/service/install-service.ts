/**
 * `baton-agent install` without the systemctl part: enrolls the host (or keeps its identity), writes agent.yml
 * (0600), the agent's directories and the systemd unit.
 *
 * Contracts:
 * - Idempotent: a re-run with the same flags changes nothing and says so (`changed: false`); an enrolled host
 *   keeps its credentials, so its identity survives any number of re-runs. The enrollment token is never written.
 * - Nothing but the configuration directory is written before the merged configuration is valid and the host
 *   is enrolled, so a refused token leaves no half-installed service behind.
 * - agent.yml keeps the settings it already had (env, max-revisions, …); the flags given replace theirs.
 */
import { access, chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { err, ok, type Result } from '@baton/shared/result';
import { parseAgentConfig, type AgentConfig } from '../config.js';
import { coordinatorTlsOptions } from '../connection/coordinator-trust.js';
import { loadOrEnroll } from '../connection/credentials.js';
import { readHostFacts } from '../connection/host-facts.js';
import { resolveLayout } from '../layout.js';
import { renderUnitFile } from './unit-file.js';

export interface InstallOptions {
  readonly coordinator: string;
  /** How an https coordinator's certificate is checked (see connection/coordinator-trust.ts). */
  readonly caFile?: string;
  readonly coordinatorFingerprint?: string;
  readonly enrollToken?: string;
  readonly name?: string;
  readonly tags?: string;
  /** '' in production. */
  readonly root: string;
  readonly hostname: string;
  /** What the unit runs and prepares with (see unit-file.ts). */
  readonly agentCommand: readonly string[];
  readonly launcherCommand?: readonly string[] | undefined;
}

export interface InstallReport {
  readonly hostId: string;
  /** False when the host was already enrolled and kept its identity. */
  readonly newlyEnrolled: boolean;
  /** agent.yml or the unit changed: a running service must restart to see it. */
  readonly changed: boolean;
  readonly config: AgentConfig;
}

export async function installService(options: InstallOptions): Promise<Result<InstallReport, string[]>> {
  const layout = resolveLayout(options.root);
  const existing = await readYamlMap(layout.configFile);
  if (!existing.ok) return existing;
  const file: Record<string, unknown> = {
    ...existing.value,
    coordinator: options.coordinator,
    ...(options.caFile === undefined ? {} : { 'ca-file': resolve(options.caFile) }),
    ...(options.coordinatorFingerprint === undefined ? {} : { 'coordinator-fingerprint': options.coordinatorFingerprint }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
  };
  const parsed = parseAgentConfig({
    flags: { root: options.root, ...(options.enrollToken === undefined ? {} : { enrollToken: options.enrollToken }) },
    file,
    fileName: layout.configFile,
    hostname: options.hostname,
  });
  if (!parsed.ok) return parsed;
  const config = parsed.value;

  // The credential lands here too: only root may read the directory.
  await mkdir(dirname(layout.configFile), { recursive: true, mode: 0o700 });
  await chmod(dirname(layout.configFile), 0o700);
  const enrolledBefore = await exists(layout.credentialsFile);
  const coordinatorTls = await coordinatorTlsOptions(config.coordinatorTrust, config.coordinatorUrl);
  const credentials = await loadOrEnroll(config, await readHostFacts(), coordinatorTls);
  if (!credentials.ok) return err([credentials.error]);

  await mkdir(layout.stateDir, { recursive: true, mode: 0o755 });
  await mkdir(layout.logDir, { recursive: true, mode: 0o750 });
  const { stringify } = await import('yaml');
  // Tags are written as a map, whatever form the flag had.
  const configText = stringify(options.tags === undefined ? file : { ...file, tags: config.tags });
  const configChanged = await writeIfChanged(layout.configFile, configText, 0o600);
  const unitText = renderUnitFile({ ...options, stopGraceMs: config.stopGraceMs });
  const unitChanged = await writeIfChanged(layout.unitFile, unitText, 0o644);
  return ok({
    hostId: credentials.value.hostId,
    newlyEnrolled: !enrolledBefore,
    changed: configChanged || unitChanged,
    config,
  });
}

/** The top-level map of a YAML file; an empty map when there is no file. */
async function readYamlMap(file: string): Promise<Result<Record<string, unknown>, string[]>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw new Error(`cannot read ${file}`, { cause: error });
  });
  const { parse } = await import('yaml');
  try {
    const value: unknown = parse(text) ?? {};
    if (typeof value === 'object' && !Array.isArray(value)) return ok(value as Record<string, unknown>);
  } catch (cause) {
    return err([`${file}: invalid YAML: ${(cause as Error).message}`]);
  }
  return err([`${file}: expected a map of settings`]);
}

/** Atomic (temp file + rename) and only when the content differs; the mode is set either way. */
async function writeIfChanged(file: string, content: string, mode: number): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === content) {
    await chmod(file, mode);
    return false;
  }
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, file);
  return true;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
