import { assertNever, type RevisionSource } from '@baton/shared';

/**
 * The identity of the bytes a resolved source stands for, unique per application: the coordinator resolves a
 * location once, and a later deployment of the same object version, ETag or commit reuses the revision.
 * An upload and a URL are identified by their digest (a URL's content may change; its digest may not).
 */
export function sourceKeyOf(source: RevisionSource, sha256: string): string {
  switch (source.type) {
    case 'upload':
      return `upload:${sha256}`;
    case 's3':
      return `s3://${source.bucket}/${source.key}?versionId=${source.versionId ?? ''}&etag=${source.etag ?? ''}`;
    case 'git':
      return `git:${source.repository}#${source.commit}`;
    case 'url':
      return `url:${source.url}#${sha256}`;
    default:
      return assertNever(source, 'bundle source');
  }
}

/** How people read a source: `s3://bucket/key (version V, ETag E)`, `https://host/repo.git@<commit>`, a URL. */
export function describeSource(source: RevisionSource): string {
  switch (source.type) {
    case 'upload':
      return 'upload';
    case 's3': {
      const details = [source.versionId && `version ${source.versionId}`, source.etag && `ETag ${source.etag}`].filter(Boolean);
      return `s3://${source.bucket}/${source.key}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
    }
    case 'git':
      return `${source.repository}@${source.commit}${source.ref ? ` (${source.ref})` : ''}`;
    case 'url':
      return source.url;
    default:
      return assertNever(source, 'bundle source');
  }
}
