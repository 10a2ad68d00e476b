import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { err, ok, type Result } from '@baton/shared';
import { execa, type Options } from 'execa';
import type { ServerConfig } from '../config.js';
import type { RevisionError } from '../store/revisions.js';
import type { BlobInfo, BlobStore } from './blob-store.js';
import { redactSecrets, redactUrl } from './redact-url.js';
import type { RevisionLocation } from './revision-location.js';
import { storeFetched, type SourceFetcher } from './source-fetcher.js';

type GitLocation = Extract<RevisionLocation, { type: 'git' | 'github' | 'bitbucket' }>;
export type GitSettings = ServerConfig['git'];

const FULL_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The repository a location names: shorthands live under the configured GitHub or Bitbucket base URL. */
export function repositoryUrl(location: GitLocation, settings: GitSettings): string {
  switch (location.type) {
    case 'git':
      return location.repository;
    case 'github':
      return `${settings.githubUrl}/${location.repository}.git`;
    case 'bitbucket':
      return `${settings.bitbucketUrl}/${location.repository}.git`;
  }
}

/**
 * A Git repository at a commit, with the `git` CLI. A branch or tag is resolved to its commit (`ls-remote`) when
 * the location is identified; the commit alone is then fetched (shallow where the server allows fetching a commit
 * by id, else every ref and a check that the commit came along) into a scratch bare repository under `workDir`,
 * and its tree is packed with `git archive` as tgz.
 *
 * Secrets: the token goes to git as an HTTP header through `GIT_CONFIG_*` variables and the SSH key as a path, never
 * on a command line; every message that leaves here has them (and user info in URLs) removed.
 */
export function gitFetcher(location: GitLocation, settings: GitSettings, workDir: string, blobs: BlobStore): SourceFetcher {
  const repository = repositoryUrl(location, settings);
  const shown = redactUrl(repository);
  const where = `${shown}@${location.ref}`;
  const git = gitRunner(settings);
  return {
    location: where,

    async identify(signal) {
      const commit = FULL_COMMIT.test(location.ref) ? location.ref : undefined;
      const resolved = commit === undefined ? await resolveRef(git, repository, location.ref, signal) : ok(commit);
      if (!resolved.ok) return err({ code: 'REVISION_MISSING', message: `${where}: ${resolved.error}` });
      return ok({
        source: { type: 'git', repository: shown, commit: resolved.value, ...(commit === undefined ? { ref: location.ref } : {}) },
        bundleType: 'tgz',
        fetch: (fetchSignal) => archiveCommit(git, repository, resolved.value, { where, workDir, blobs, signal: fetchSignal }),
      });
    },
  };
}

type Git = (args: readonly string[], options?: Options) => Promise<Result<string, string>>;

function gitRunner(settings: GitSettings): Git {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true' };
  if (settings.token) {
    const basic = Buffer.from(`${settings.tokenUser}:${settings.token}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  if (settings.sshKeyFile) {
    const hostKeys = settings.knownHostsFile
      ? `-o UserKnownHostsFile=${shellQuote(settings.knownHostsFile)} -o StrictHostKeyChecking=yes`
      : '-o StrictHostKeyChecking=accept-new';
    env.GIT_SSH_COMMAND = `ssh -i ${shellQuote(settings.sshKeyFile)} -o IdentitiesOnly=yes -o BatchMode=yes ${hostKeys}`;
  }
  const secrets = [settings.token, env.GIT_CONFIG_VALUE_0];
  return async (args, options = {}) => {
    const result = await execa('git', args, { env, reject: false, stdin: 'ignore', ...options });
    if (result.exitCode === 0 && !result.failed) return ok(typeof result.stdout === 'string' ? result.stdout : '');
    const stderr = typeof result.stderr === 'string' ? result.stderr.trim() : '';
    const reason = stderr.split('\n').filter((line) => line.trim() !== '').slice(-2).join(' ') || (result.shortMessage ?? 'git failed');
    return err(redactSecrets(reason, secrets));
  };
}

/** The commit a branch or tag names (an annotated tag's commit, not the tag object). */
async function resolveRef(git: Git, repository: string, ref: string, signal: AbortSignal): Promise<Result<string, string>> {
  // An annotated tag's commit is listed (as `<tag>^{}`) only when asked for by that pattern.
  const listed = await git(['ls-remote', '--', repository, ref, `${ref}^{}`], { cancelSignal: signal });
  if (!listed.ok) return listed;
  const refs = new Map(
    listed.value
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((parts): parts is [string, string] => parts.length === 2)
      .map(([sha, name]) => [name, sha]),
  );
  const wanted = [`refs/tags/${ref}^{}`, `refs/heads/${ref}`, `refs/tags/${ref}`, ref];
  const commit = wanted.map((name) => refs.get(name)).find((sha) => sha !== undefined && FULL_COMMIT.test(sha));
  return commit === undefined ? err(`no branch or tag named ${JSON.stringify(ref)} (give a full commit id or an existing ref)`) : ok(commit);
}

async function archiveCommit(
  git: Git,
  repository: string,
  commit: string,
  context: { where: string; workDir: string; blobs: BlobStore; signal: AbortSignal },
): Promise<Result<BlobInfo, RevisionError>> {
  const { where, workDir, blobs, signal } = context;
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, 'git-'));
  try {
    const missing = (reason: string): Result<never, RevisionError> => err({ code: 'REVISION_MISSING', message: `${where}: ${reason}` });
    const init = await git(['init', '--quiet', '--bare', dir]);
    if (!init.ok) throw new Error(`cannot create a scratch repository in ${workDir}: ${init.error}`);
    const inRepo = ['-C', dir];
    const shallow = await git([...inRepo, 'fetch', '--quiet', '--no-tags', '--depth', '1', '--', repository, commit], { cancelSignal: signal });
    if (!shallow.ok) {
      const full = await git([...inRepo, 'fetch', '--quiet', '--no-tags', '--', repository, '+refs/*:refs/fetched/*'], { cancelSignal: signal });
      if (!full.ok) return missing(full.error);
    }
    const present = await git([...inRepo, 'cat-file', '-e', `${commit}^{commit}`]);
    if (!present.ok) return missing(`commit ${commit} not found in the repository`);
    const archive = spawn('git', [...inRepo, 'archive', '--format=tgz', commit], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    // Piped at once: Node discards the unread output of a child that exits, and the blob store starts reading only
    // after opening its temp file. The pipe keeps backpressure, so a large archive is not held in memory.
    const output = archive.stdout.pipe(new PassThrough());
    const exited = new Promise<number | null>((resolve) => {
      archive.on('close', resolve);
      archive.on('error', () => resolve(null));
    });
    const stderr = text(archive.stderr);
    const stored = await storeFetched(blobs, output, where);
    if ((await exited) !== 0) return missing(`git archive failed: ${(await stderr).trim()}`);
    return stored;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
