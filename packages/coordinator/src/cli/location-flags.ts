import { BundleType, err, ok, Sha256Hex, type Result } from '@baton/shared';
import type { RevisionLocation } from '../revisions/revision-location.js';

/** The flags of `baton deploy` that say what to deploy. */
export interface LocationFlags {
  bundle?: string;
  s3?: string;
  versionId?: string;
  etag?: string;
  bundleType?: string;
  git?: string;
  commit?: string;
  http?: string;
  sha256?: string;
  revision?: string;
}

export type DeploySource =
  | { readonly kind: 'bundle'; readonly path: string }
  | { readonly kind: 'revision'; readonly revisionId: string }
  | { readonly kind: 'location'; readonly location: RevisionLocation };

const SHORTHAND = /^(github|bitbucket):([\w.-]+\/[\w.-]+)@(.+)$/;

/**
 * Pure: turns the flags into what to deploy, refusing combinations that mean nothing (two sources, `--etag`
 * without `--s3`, a Git URL without `--commit`). Messages name the flags.
 */
export function parseLocationFlags(flags: LocationFlags): Result<DeploySource, string> {
  const given = (['bundle', 's3', 'git', 'http', 'revision'] as const).filter((flag) => flags[flag] !== undefined);
  if (given.length !== 1) {
    return err(`give exactly one of --bundle, --s3, --git, --http or --revision${given.length > 1 ? ` (got ${given.map((f) => `--${f}`).join(', ')})` : ''}`);
  }
  const strays = [
    ['versionId', '--version-id', 's3'],
    ['etag', '--etag', 's3'],
    ['commit', '--commit', 'git'],
    ['sha256', '--sha256', 'http'],
  ].filter(([flag, , owner]) => flags[flag as keyof LocationFlags] !== undefined && flags[owner as keyof LocationFlags] === undefined);
  if (strays.length > 0) return err(strays.map(([, name, owner]) => `${name} goes with --${owner}`).join('; '));
  const bundleType = flags.bundleType === undefined ? undefined : BundleType.safeParse(flags.bundleType);
  if (bundleType && !bundleType.success) return err(`--bundle-type: expected tar, tgz or zip, not ${JSON.stringify(flags.bundleType)}`);
  const typed = bundleType?.success ? { bundleType: bundleType.data } : {};

  if (flags.bundle !== undefined) return ok({ kind: 'bundle', path: flags.bundle });
  if (flags.revision !== undefined) return ok({ kind: 'revision', revisionId: flags.revision });
  if (flags.s3 !== undefined) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(flags.s3);
    if (!match) return err(`--s3: expected s3://BUCKET/KEY, not ${JSON.stringify(flags.s3)}`);
    return ok({
      kind: 'location',
      location: {
        type: 's3',
        bucket: match[1]!,
        key: match[2]!,
        ...(flags.versionId ? { versionId: flags.versionId } : {}),
        ...(flags.etag ? { etag: flags.etag } : {}),
        ...typed,
      },
    });
  }
  if (flags.git !== undefined) {
    const shorthand = SHORTHAND.exec(flags.git);
    if (shorthand) {
      if (flags.commit !== undefined) return err('--commit: the shorthand already names the commit (OWNER/REPO@SHA)');
      return ok({ kind: 'location', location: { type: shorthand[1] as 'github' | 'bitbucket', repository: shorthand[2]!, ref: shorthand[3]! } });
    }
    if (flags.commit === undefined) return err('--git: give --commit SHA (or a branch or tag), or use github:OWNER/REPO@SHA');
    return ok({ kind: 'location', location: { type: 'git', repository: flags.git, ref: flags.commit } });
  }
  const url = flags.http!;
  if (!/^https?:\/\//.test(url)) return err(`--http: expected an http:// or https:// URL, not ${JSON.stringify(url)}`);
  if (flags.sha256 === undefined) return err('--http: give --sha256 HEX, the digest the download must have');
  if (!Sha256Hex.safeParse(flags.sha256.toLowerCase()).success) return err('--sha256: expected 64 hex digits');
  return ok({ kind: 'location', location: { type: 'url', url, sha256: flags.sha256.toLowerCase(), ...typed } });
}
