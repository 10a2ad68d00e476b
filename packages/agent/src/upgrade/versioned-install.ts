/**
 * The versioned installation scripts/install-agent.sh makes: `<prefix>/versions/<version>/` (an unpacked agent
 * package, laid out like the checkout), `<prefix>/current` and `<prefix>/previous` (relative symlinks to
 * `versions/<version>`), and `<prefix>/launcher.mjs` (launcher.ts, which falls back from a failed upgrade). The
 * systemd unit runs `<prefix>/current/…/baton-agent.js`, so moving `current` is what switches versions on the
 * next start.
 */
import { existsSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';
import { BIN_IN_VERSION, LAUNCHER_FILE, linkTarget } from './launcher.js';

export interface VersionedInstall {
  readonly prefix: string;
  /** The version `current` points at. */
  readonly currentVersion: string;
}

/** This version's compiled launcher (from src/ or dist/ alike: both sit two levels under packages/agent). */
const LAUNCHER_SOURCE = fileURLToPath(new URL('../../dist/upgrade/launcher.js', import.meta.url));

/**
 * The installation `binPath` belongs to, or undefined when it is not a versioned one (a source checkout, a
 * global npm install). Node runs a script by its real path, so `binPath` names `versions/<v>`, not `current`.
 */
export function locateVersionedInstall(binPath: string): VersionedInstall | undefined {
  const real = realpathSync(binPath);
  if (!real.endsWith(sep + BIN_IN_VERSION)) return undefined;
  const versionDir = real.slice(0, -(BIN_IN_VERSION.length + 1));
  const versionsDir = dirname(versionDir);
  if (basename(versionsDir) !== 'versions') return undefined;
  const prefix = dirname(versionsDir);
  const currentVersion = linkTarget(prefix, 'current');
  if (currentVersion === undefined) return undefined;
  return { prefix, currentVersion };
}

/** The path the systemd unit should run: through `current` when `binPath` is in a versioned installation. */
export function stableBinPath(binPath: string): string {
  const install = locateVersionedInstall(binPath);
  return install === undefined ? binPath : join(install.prefix, 'current', BIN_IN_VERSION);
}

export const launcherPath = (prefix: string): string => join(prefix, LAUNCHER_FILE);

/**
 * Puts this version's launcher at `<prefix>/launcher.mjs` (atomically). Done by `baton-agent install` and by a new
 * version once it has connected: a launcher is only ever replaced by one from a version that proved it works.
 */
export async function installLauncher(prefix: string, source: string = LAUNCHER_SOURCE): Promise<void> {
  const temporary = `${launcherPath(prefix)}.next`;
  await copyFile(source, temporary);
  await rename(temporary, launcherPath(prefix));
}

/**
 * Unpacks an agent package into `versions/<version>`. An existing directory of that version is kept (a version's
 * files never change); a half-unpacked one from an interrupted attempt never becomes visible under that name.
 */
export async function unpackVersion(prefix: string, version: string, packageFile: string): Promise<void> {
  const versionDir = join(prefix, 'versions', version);
  if (existsSync(join(versionDir, BIN_IN_VERSION))) return;
  const staging = `${versionDir}.unpacking`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await extract({ file: packageFile, cwd: staging });
  if (!existsSync(join(staging, BIN_IN_VERSION))) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`the agent package for ${version} has no ${BIN_IN_VERSION}`);
  }
  await rm(versionDir, { recursive: true, force: true });
  await rename(staging, versionDir);
}
