import { Readable } from 'node:stream';
import { AgentPaths, EnrollRequest, Sha256Hex, type EnrollResponse } from '@baton/shared';
import type { Hono } from 'hono';
import { recordRefusal, refusalOf } from '../../access/record-refusal.js';
import { verifyEnrollmentToken } from '../../store/enrollment-tokens.js';
import { isRevisionOfHost } from '../../store/host-revisions.js';
import { authenticateHost, enrollHost, type Host } from '../../store/hosts.js';
import { bearerAuth } from '../bearer-auth.js';
import { parseByteRange } from '../byte-range.js';
import { ApiError, type ApiErrorBody } from '../errors.js';
import { readJsonBody } from '../request-body.js';
import type { AppDeps } from '../route-module.js';

/**
 * The agent-facing HTTP endpoints. They use no admin token: enrollment proves itself with an enrollment
 * token in the body, downloads with the host's own credential as bearer. Every refused credential, and every
 * download refused to a host, is recorded in the audit log.
 */
export function mountAgentRoutes(app: Hono, { db, blobs, clock, logger }: AppDeps): void {
  /** An enrollment token is reusable by any number of hosts until it expires or is revoked. */
  app.post(AgentPaths.enroll, async (c) => {
    const request = await readJsonBody(c, EnrollRequest);
    const now = clock();
    if (!verifyEnrollmentToken(db, request.token, now)) {
      recordRefusal(db, refusalOf(c, { channel: 'agent', status: 401, presented: request.token, at: now }));
      throw new ApiError(401, 'UNAUTHENTICATED', 'the enrollment token is unknown, expired or revoked');
    }
    const { host, credential } = enrollHost(db, request, now);
    logger.info({ hostId: host.id, name: host.name }, 'host enrolled');
    return c.json<EnrollResponse>({ hostId: host.id, credential }, 201);
  });

  /**
   * Streams a bundle; `Range: bytes=N-` resumes an interrupted download with 206. A host gets only the revisions
   * of deployments that include it: any other digest is refused with 403 (and audited) whether or not the blob is
   * stored, so the answer tells a host nothing about bundles that are not its own.
   */
  const hostAuth = bearerAuth<'host', Host>(
    'host',
    (credential) => authenticateHost(db, credential),
    (c, presented) => recordRefusal(db, refusalOf(c, { channel: 'agent', status: 401, presented, at: clock() })),
  );
  app.get(AgentPaths.revision(':sha256'), hostAuth, async (c) => {
    // The path comes from AgentPaths, so Hono cannot infer the parameter from a literal.
    const sha256 = c.req.param('sha256') ?? '';
    // Not a digest: no bundle could have that name, so there is nothing to refuse (or to look up on disk).
    if (!Sha256Hex.safeParse(sha256).success) throw notFound(sha256);
    const host = c.get('host');
    if (!isRevisionOfHost(db, host.id, sha256)) {
      recordRefusal(db, refusalOf(c, { channel: 'agent', status: 403, detail: { hostId: host.id }, at: clock() }));
      throw new ApiError(403, 'FORBIDDEN', 'this host may download only the revisions of deployments that include it');
    }
    const size = await blobs.sizeOf(sha256);
    if (size === undefined) throw notFound(sha256);
    const range = parseByteRange(c.req.header('range'), size);
    if (range === 'unsatisfiable') {
      return c.json<ApiErrorBody>(
        { code: 'RANGE_NOT_SATISFIABLE', message: `the bundle has ${size} bytes` },
        416,
        { 'Content-Range': `bytes */${size}` },
      );
    }
    const headers = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', ETag: `"${sha256}"` };
    if (!range) {
      return c.body(toWebStream(blobs.read(sha256)), 200, { ...headers, 'Content-Length': String(size) });
    }
    return c.body(toWebStream(blobs.read(sha256, range)), 206, {
      ...headers,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
    });
  });
}

const notFound = (sha256: string): ApiError => new ApiError(404, 'NOT_FOUND', `no bundle with sha256 ${sha256}`);

const toWebStream = (stream: Readable): ReadableStream<Uint8Array> =>
  Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
