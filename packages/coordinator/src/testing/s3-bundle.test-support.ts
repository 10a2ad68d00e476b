import { APPSPEC, makeArchive } from './bundle-archives.test-support.js';
import { startTestS3, type TestS3 } from './s3-server.test-support.js';

/** Test support: a real S3 server and, to put in it, the smallest valid bundle (a tgz holding an appspec). */
export async function startS3WithBundle(): Promise<{ s3: TestS3; bundle: Buffer }> {
  const [s3, bundle] = await Promise.all([startTestS3(), makeArchive('tgz', { 'appspec.yml': APPSPEC })]);
  return { s3, bundle };
}
