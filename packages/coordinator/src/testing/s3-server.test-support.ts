import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** Test support: a real S3-compatible server (s3rver) on loopback, with one bucket, and a client for it. */
export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** The coordinator's `s3` settings for this server. */
  readonly settings: { endpoint: string; region: string; forcePathStyle: true; accessKeyId: string; secretAccessKey: string };
  /** Puts an object; answers its ETag without quotes. */
  put(key: string, body: Uint8Array | string): Promise<string>;
  /** Counts GET requests for objects (not HEAD), to show what was fetched and what was not. */
  readonly gets: () => number;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'bundles'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = { endpoint, region: 'us-east-1', forcePathStyle: true as const, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  let gets = 0;
  const client = new S3Client({
    ...settings,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // s3rver keeps its node:http server as an undeclared field; GETs are counted from its 'request' event.
  const httpServer = (server as unknown as { httpServer?: Server }).httpServer;
  httpServer?.on('request', (request: IncomingMessage) => {
    if (request.method === 'GET' && request.url?.startsWith(`/${bucket}/`)) gets += 1;
  });
  return {
    endpoint,
    bucket,
    settings,
    async put(key, body) {
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return (put.ETag ?? '').replaceAll('"', '');
    },
    gets: () => gets,
    async close() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
