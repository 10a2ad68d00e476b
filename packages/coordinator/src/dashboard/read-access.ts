import { allows, type Principal } from '../access/policy.js';
import { ApiError } from '../http/errors.js';

/** Pages about one application are shown only to principals that may read it (a 403 page otherwise). */
export function requireRead(principal: Principal, applicationName: string): void {
  if (!allows(principal, 'read', applicationName)) {
    throw new ApiError(403, 'FORBIDDEN', `your token may not read application '${applicationName}'`);
  }
}

/** The items of the applications a principal may read; a token limited to some applications sees only those. */
export const readableBy = <T>(principal: Principal, items: readonly T[], applicationOf: (item: T) => string): T[] =>
  items.filter((item) => allows(principal, 'read', applicationOf(item)));
