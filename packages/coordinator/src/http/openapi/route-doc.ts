import type { z } from 'zod';
import type { Permission } from '../../access/policy.js';

/**
 * One route of the admin API as the OpenAPI document shows it. Each route module exports its routes' docs
 * beside the handlers, built from the same zod schemas the handlers validate with, so the document cannot
 * drift from what the server accepts; a test checks that every mounted route has exactly one doc.
 */
export interface RouteDoc {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Relative to `/api/v1`, OpenAPI style: `/applications/{name}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** The permission the route needs (see access/policy.ts). */
  readonly permission: Permission;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** A JSON body, or `'binary'` for a raw upload. */
  readonly body?: z.ZodType | 'binary';
  /** The success answer's body; absent for 204 or a stream. */
  readonly response?: z.ZodType;
  /** A success status other than 200. */
  readonly status?: number;
  /** `text/event-stream` or another non-JSON answer. */
  readonly produces?: string;
}
