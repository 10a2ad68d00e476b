import { describe, expect, it } from 'vitest';
import { parseLocationFlags } from './location-flags.js';

const sha = 'ab'.repeat(32);
const commit = 'c'.repeat(40);

describe('parseLocationFlags', () => {
  it.each([
    [{ bundle: './app' }, { kind: 'bundle', path: './app' }],
    [{ revision: 'rev-1' }, { kind: 'revision', revisionId: 'rev-1' }],
    [
      { s3: 's3://bundles/web/v1.zip', versionId: 'v9', etag: '"e"', bundleType: 'zip' },
      { kind: 'location', location: { type: 's3', bucket: 'bundles', key: 'web/v1.zip', versionId: 'v9', etag: '"e"', bundleType: 'zip' } },
    ],
    [{ git: 'https://git.example.com/web.git', commit }, { kind: 'location', location: { type: 'git', repository: 'https://git.example.com/web.git', ref: commit } }],
    [{ git: 'git@example.com:team/web.git', commit: 'main' }, { kind: 'location', location: { type: 'git', repository: 'git@example.com:team/web.git', ref: 'main' } }],
    [{ git: `github:acme/web@${commit}` }, { kind: 'location', location: { type: 'github', repository: 'acme/web', ref: commit } }],
    [{ git: 'bitbucket:acme/web.site@v1.2' }, { kind: 'location', location: { type: 'bitbucket', repository: 'acme/web.site', ref: 'v1.2' } }],
    [{ http: 'https://cdn.example.com/web.tgz', sha256: sha.toUpperCase() }, { kind: 'location', location: { type: 'url', url: 'https://cdn.example.com/web.tgz', sha256: sha } }],
  ])('reads %j', (flags, expected) => {
    expect(parseLocationFlags(flags)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{}, /^give exactly one of/],
    [{ bundle: 'a', s3: 's3://b/k' }, /\(got --bundle, --s3\)/],
    [{ bundle: 'a', etag: 'e' }, /^--etag goes with --s3$/],
    [{ s3: 'bundles/key' }, /^--s3: expected s3:\/\/BUCKET\/KEY/],
    [{ s3: 's3://b/k', bundleType: 'rar' }, /^--bundle-type: expected tar, tgz or zip/],
    [{ git: 'https://example.com/web.git' }, /^--git: give --commit/],
    [{ git: 'github:acme/web@main', commit }, /^--commit: the shorthand already names/],
    [{ http: 'https://cdn.example.com/web.tgz' }, /^--http: give --sha256/],
    [{ http: 'ftp://cdn.example.com/web.tgz', sha256: sha }, /^--http: expected an http/],
    [{ http: 'https://cdn.example.com/web.tgz', sha256: 'abc' }, /^--sha256: expected 64 hex digits$/],
  ])('refuses %j', (flags, message) => {
    const parsed = parseLocationFlags(flags);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
