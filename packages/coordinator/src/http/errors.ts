import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Machine codes of API errors; clients branch on these, the message is for people. */
export const ApiErrorCode = {
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  INVALID_JSON: 'INVALID_JSON',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  LAST_ADMIN_TOKEN: 'LAST_ADMIN_TOKEN',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The resource is in a state that refuses the change (e.g. deleting a group with an unfinished deployment). */
  CONFLICT: 'CONFLICT',
  DEPLOYMENT_ALREADY_COMPLETED: 'DEPLOYMENT_ALREADY_COMPLETED',
  DEPLOYMENT_NOT_WAITING: 'DEPLOYMENT_NOT_WAITING',
  NOTHING_TO_ROLL_BACK: 'NOTHING_TO_ROLL_BACK',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Too many requests from one address: retry after the `Retry-After` header's seconds. */
  RATE_LIMITED: 'RATE_LIMITED',
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
  REVISION_MISSING: 'REVISION_MISSING',
  INVALID_REVISION: 'INVALID_REVISION',
  REVISION_UNRESOLVED: 'REVISION_UNRESOLVED',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  HOST_OFFLINE: 'HOST_OFFLINE',
  HOST_BUSY: 'HOST_BUSY',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** The body of every error response. */
export interface ApiErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** An expected failure of a request, answered as `{code, message}` with `status` by the app's one onError. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
