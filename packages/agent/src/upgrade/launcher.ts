/**
 * The agent's launcher: the half of an upgrade's fallback that does not depend on the new version. The agent
 * copies this file to `<prefix>/launcher.mjs`, outside every `versions/<v>` directory, and it imports nothing but
 * Node's built-ins, so a new version that cannot even load its own modules still falls back.
 *
 * Before each start of the agent — systemd's `ExecStartPre=` (`launcher.mjs prepare`), or each turn of
 * `launcher.mjs run …` where no systemd restarts the agent — `prepareLaunch` reads the upgrade marker that the
 * old version wrote before it moved `current`:
 * - no marker, or one for a version `current` no longer points at: the agent starts as it is;
 * - the new version is unconfirmed and has had its chances (its deadline passed, or it was started
 *   MAX_UNCONFIRMED_STARTS times without saying hello to the coordinator): `current` goes back to the version it
 *   replaced and a fallback record is left for that version to report;
 * - otherwise this start is counted and the new version runs.
 * The new version confirms the upgrade (the marker goes) once it has said hello.
 *
 * Files under `<prefix>`: `upgrade-pending.json` (the marker), `upgrade-fallback.json` (the record).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UpgradeMarker {
  readonly from: string;
  readonly to: string;
  /** ISO time `current` moved to `to`. */
  readonly at: string;
  /** How many times the launcher has started `to` so far. */
  readonly starts?: number;
}

/** What the version an upgrade fell back to tells the coordinator, then forgets. */
export interface FallbackRecord {
  readonly from: string;
  readonly to: string;
  /** ISO time of the fallback. */
  readonly at: string;
  readonly reason: string;
}

export interface LaunchLimits {
  /** How long a new version has, from the swap, to say hello. */
  readonly deadlineMs: number;
  readonly maxStarts: number;
}

/** How long a freshly upgraded agent has to connect before its installation falls back. */
export const UPGRADE_CONFIRM_DEADLINE_MS = 120_000;
/** A version that exits at start is tried this many times (systemd restarts it every RestartSec) before falling back. */
export const MAX_UNCONFIRMED_STARTS = 3;
export const DEFAULT_LIMITS: LaunchLimits = { deadlineMs: UPGRADE_CONFIRM_DEADLINE_MS, maxStarts: MAX_UNCONFIRMED_STARTS };

/** The agent's exit code when it wants to be started again (after an upgrade or for a fallback): not a crash. */
export const RESTART_EXIT_CODE = 75;

/**
 * Node flags for a small, mostly idle daemon (see bin/baton-agent.js): 1 MB semi-spaces, no optimising
 * compilers, no WebAssembly. The systemd unit and the launcher both start the agent with them.
 */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm'] as const;

/** Where bin/baton-agent.js sits inside a version directory (and under `current`). */
export const BIN_IN_VERSION = join('packages', 'agent', 'bin', 'baton-agent.js');
export const LAUNCHER_FILE = 'launcher.mjs';

export const markerFile = (prefix: string): string => join(prefix, 'upgrade-pending.json');
export const fallbackFile = (prefix: string): string => join(prefix, 'upgrade-fallback.json');

export type LaunchDecision =
  | { readonly action: 'start' }
  /** The marker names a version `current` does not point at (a hand-made change): it is dropped. */
  | { readonly action: 'drop-marker' }
  | { readonly action: 'try-new'; readonly starts: number }
  | { readonly action: 'fall-back'; readonly reason: string };

/** Pure: what to do before starting the agent, given the marker, the version `current` names and the time. */
export function decideLaunch(marker: UpgradeMarker | undefined, currentVersion: string | undefined, now: number, limits: LaunchLimits): LaunchDecision {
  if (marker === undefined) return { action: 'start' };
  if (currentVersion !== marker.to) return { action: 'drop-marker' };
  const starts = marker.starts ?? 0;
  if (now - Date.parse(marker.at) >= limits.deadlineMs) {
    return { action: 'fall-back', reason: `did not connect to the coordinator within ${Math.round(limits.deadlineMs / 1000)} s` };
  }
  if (starts >= limits.maxStarts) return { action: 'fall-back', reason: `was started ${starts} times and never connected to the coordinator` };
  return { action: 'try-new', starts: starts + 1 };
}

/**
 * Applies `decideLaunch` to the installation at `prefix`; returns the fallback record when it fell back.
 * Ordered for crashes: `current` moves before the marker goes, so an interrupted fallback is simply done again.
 */
export function prepareLaunch(prefix: string, now: Date, limits: LaunchLimits = DEFAULT_LIMITS): FallbackRecord | undefined {
  const marker = readJsonFile<UpgradeMarker>(markerFile(prefix));
  const decision = decideLaunch(marker, linkTarget(prefix, 'current'), now.getTime(), limits);
  switch (decision.action) {
    case 'start':
      return undefined;
    case 'drop-marker':
      rmSync(markerFile(prefix), { force: true });
      return undefined;
    case 'try-new':
      writeJsonFile(markerFile(prefix), { ...marker, starts: decision.starts });
      return undefined;
    case 'fall-back': {
      const { from, to } = marker!;
      const record: FallbackRecord = { from, to, at: now.toISOString(), reason: decision.reason };
      switchLink(prefix, 'current', from);
      writeJsonFile(fallbackFile(prefix), record);
      rmSync(markerFile(prefix), { force: true });
      return record;
    }
  }
}

/** Points `link` at `versions/<version>` atomically: a new link under a temporary name, renamed over the old. */
export function switchLink(prefix: string, link: 'current' | 'previous', version: string): void {
  const path = join(prefix, link);
  const temporary = `${path}.next`;
  rmSync(temporary, { force: true });
  symlinkSync(join('versions', version), temporary);
  renameSync(temporary, path);
}

/** The version a link points at, or undefined when there is no such link. */
export function linkTarget(prefix: string, link: 'current' | 'previous'): string | undefined {
  try {
    return basename(readlinkSync(join(prefix, link)));
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw error;
  }
}

export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new Error(`cannot read ${file}`, { cause: error });
  }
  return JSON.parse(text) as T;
}

/** Atomic: a reader sees the old content or the new, never half of it. */
export function writeJsonFile(file: string, value: unknown): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value)}\n`);
  renameSync(temporary, file);
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Pause between two starts when no systemd does it (systemd's RestartSec plays this part under the unit). */
const RESTART_DELAY_MS = 1000;

/**
 * `launcher.mjs run ARGS…`: the agent without systemd (containers, tests), restarted the way the unit restarts it.
 * Each turn prepares the launch and runs `current`'s `baton-agent run ARGS…`; the agent is started again when it
 * asks for it (RESTART_EXIT_CODE) or exits while an upgrade is unconfirmed; any other exit ends the launcher
 * with the agent's code. SIGTERM and SIGINT are passed on, and the launcher then ends with the agent.
 */
export async function superviseAgent(prefix: string, args: readonly string[], log: (line: string) => void): Promise<number> {
  let stopSignal: NodeJS.Signals | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    stopSignal = signal;
    child?.kill(signal);
  };
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  try {
    for (;;) {
      const fellBack = prepareLaunch(prefix, new Date());
      if (fellBack) log(`agent ${fellBack.to} ${fellBack.reason}; falling back to ${fellBack.from}`);
      const started = spawn(process.execPath, [...AGENT_NODE_FLAGS, join(prefix, 'current', BIN_IN_VERSION), 'run', ...args], { stdio: 'inherit' });
      child = started;
      const code = await new Promise<number>((resolve) => started.once('exit', (exitCode) => resolve(exitCode ?? 1)));
      if (stopSignal !== undefined) return code;
      const unconfirmed = readJsonFile<UpgradeMarker>(markerFile(prefix)) !== undefined;
      if (code !== RESTART_EXIT_CODE && !unconfirmed) return code;
      log(`agent exited with ${code}; starting it again`);
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      if (stopSignal !== undefined) return code;
    }
  } finally {
    process.off('SIGTERM', forward);
    process.off('SIGINT', forward);
  }
}

/** `node launcher.mjs prepare` | `node launcher.mjs run ARGS…`; the prefix is the directory this file sits in. */
async function main(argv: readonly string[]): Promise<void> {
  const prefix = dirname(fileURLToPath(import.meta.url));
  const log = (line: string): void => void process.stderr.write(`baton-agent launcher: ${line}\n`);
  const [mode, ...args] = argv;
  if (mode === 'prepare') {
    const fellBack = prepareLaunch(prefix, new Date());
    if (fellBack) log(`agent ${fellBack.to} ${fellBack.reason}; falling back to ${fellBack.from}`);
    return;
  }
  if (mode === 'run') {
    process.exitCode = await superviseAgent(prefix, args, log);
    return;
  }
  log(`usage: node ${LAUNCHER_FILE} prepare | run [baton-agent run flags…]`);
  process.exitCode = 2;
}

// Run as a script (the copy at <prefix>/launcher.mjs), not when the agent imports it. Not awaited at the top level:
// the single-file executable bundles this module as CommonJS, which has none (and never runs it as a script).
const isMainScript = (): boolean => {
  const script = process.argv[1];
  return script !== undefined && existsSync(script) && realpathSync(script) === fileURLToPath(import.meta.url);
};
if (isMainScript()) void main(process.argv.slice(2));
