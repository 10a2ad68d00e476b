/**
 * Bundles for the chaos suites. Each revision installs `payload/` to `APP_DIR/<destination>`: small files
 * `f0000…` whose content names the revision (`<version>:<n>`), and optionally one big file, so a destination
 * tree can be checksummed against each revision's and, when it matches none, told apart by version. Every
 * hook appends to the host's ledger (chaos-ledger.ts), prints a line as it begins, halfway and as it ends,
 * and can take a while, so deployments are still running when a process is killed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IN_PLACE_HOOKS } from './bundles.js';
import { APP_DIR, type TestAgent } from './cluster.js';
import { appendToLedger } from './chaos-ledger.js';

export interface ChaosBundleSpec {
  readonly version: string;
  /** Where the payload installs, under APP_DIR; default `app`. */
  readonly destination?: string;
  /** How many small payload files; default 3. */
  readonly files?: number;
  /** One more payload file of this many bytes: a bundle that takes a while to download. */
  readonly bigFileBytes?: number;
  /** Every hook takes this many seconds (half, a line of output, half); default 0. */
  readonly hookSeconds?: number;
  /** This hook takes this many seconds instead. */
  readonly sleepAt?: { readonly hook: string; readonly seconds: number };
  /** This hook exits non-zero. */
  readonly failAt?: string;
  /** Hand the CLI an uncompressed .tar (quick to pack and upload for big payloads) instead of a directory it gzips. */
  readonly tar?: boolean;
}

export interface ChaosBundle {
  readonly version: string;
  /** What `baton deploy --bundle` takes. */
  readonly path: string;
  /** The installed folder, relative to APP_DIR. */
  readonly destination: string;
  /** treeDigest of the payload: what the destination holds once this revision is installed. */
  readonly payloadDigest: string;
}

const PAYLOAD = 'payload';
const CHUNK = 1 << 20;

export function writeChaosBundle(dir: string, spec: ChaosBundleSpec): ChaosBundle {
  const destination = spec.destination ?? 'app';
  const payload = join(dir, PAYLOAD);
  mkdirSync(payload, { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  for (let n = 0; n < (spec.files ?? 3); n++) writeFileSync(join(payload, fileName(n)), `${spec.version}:${n}\n`);
  if (spec.bigFileBytes !== undefined) writeBigFile(join(payload, 'big.bin'), spec.version, spec.bigFileBytes);
  writeFileSync(
    join(dir, 'appspec.yml'),
    [
      'version: 0.0',
      'os: linux',
      'files:',
      `  - source: ${PAYLOAD}`,
      `    destination: ${APP_DIR}/${destination}`,
      'hooks:',
      ...IN_PLACE_HOOKS.flatMap((hook) => [`  ${hook}:`, '    - location: scripts/hook.sh', '      timeout: 300']),
      '',
    ].join('\n'),
  );
  const script = join(dir, 'scripts', 'hook.sh');
  writeFileSync(script, hookScript(spec));
  chmodSync(script, 0o755);
  const digest = treeDigest(payload)!;
  if (!spec.tar) return { version: spec.version, path: dir, destination, payloadDigest: digest };
  const archive = `${dir}.tar`;
  execFileSync('tar', ['-cf', archive, '-C', dir, 'appspec.yml', 'scripts', PAYLOAD]);
  return { version: spec.version, path: archive, destination, payloadDigest: digest };
}

const fileName = (n: number): string => `f${String(n).padStart(4, '0')}`;

function hookScript(spec: ChaosBundleSpec): string {
  const half = (seconds: number): string => String(seconds / 2);
  return [
    '#!/bin/sh',
    appendToLedger(spec.version),
    `echo "${spec.version} $LIFECYCLE_EVENT begins"`,
    'case "$LIFECYCLE_EVENT" in',
    spec.sleepAt ? `  ${spec.sleepAt.hook}) pause=${half(spec.sleepAt.seconds)} ;;` : '',
    `  *) pause=${half(spec.hookSeconds ?? 0)} ;;`,
    'esac',
    `if [ "$pause" != 0 ]; then sleep "$pause"; echo "${spec.version} $LIFECYCLE_EVENT halfway"; sleep "$pause"; fi`,
    `echo "${spec.version} $LIFECYCLE_EVENT ends"`,
    spec.failAt ? `if [ "$LIFECYCLE_EVENT" = "${spec.failAt}" ]; then echo "${spec.failAt} fails on purpose" >&2; exit 3; fi` : '',
    'exit 0',
    '',
  ].join('\n');
}

/** Starts with `<version>:big` like the small files, then filler: the archive is plain tar, so content does not matter. */
function writeBigFile(path: string, version: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const head = Buffer.from(`${version}:big\n`);
    writeFileSync(fd, head);
    const filler = Buffer.alloc(CHUNK, 0x2e);
    for (let left = bytes - head.length; left > 0; left -= CHUNK) writeFileSync(fd, left >= CHUNK ? filler : filler.subarray(0, left));
  } finally {
    closeSync(fd);
  }
}

/**
 * A digest of a tree's names, kinds and file contents (not modes or times), or undefined when `dir` does not
 * exist. Equal digests: the same files with the same content.
 */
export function treeDigest(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const tree = createHash('sha256');
  for (const name of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    const kind = stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'file';
    tree.update(`${name}\0${kind}\0${kind === 'file' ? fileDigest(path) : ''}\n`);
  }
  return tree.digest('hex');
}

function fileDigest(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** How many of a tree's files each revision wrote (`{ v1: 3, v2: 1 }`): what a failed tree comparison shows. */
export function versionCensus(dir: string): Record<string, number> {
  const census: Record<string, number> = {};
  if (!existsSync(dir)) return census;
  for (const name of readdirSync(dir)) {
    const version = firstLine(join(dir, name)).split(':')[0] ?? '?';
    census[version] = (census[version] ?? 0) + 1;
  }
  return census;
}

function firstLine(path: string): string {
  const buffer = Buffer.alloc(128);
  const fd = openSync(path, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer)).toString().split('\n')[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

/**
 * The version of the revision among `revisions` (all installing to the same destination) whose files the
 * agent's destination holds exactly, or `none of …: <census>` when it holds a mix or something else.
 */
export function installedRevision(agent: TestAgent, revisions: readonly ChaosBundle[]): string {
  const destination = join(agent.appDir, revisions[0]!.destination);
  const digest = treeDigest(destination);
  const match = revisions.find((revision) => revision.payloadDigest === digest);
  if (match) return match.version;
  return `none of ${revisions.map((r) => r.version).join(', ')}: ${JSON.stringify(versionCensus(destination))}`;
}
