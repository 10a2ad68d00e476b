import { getApplicationByName } from '../store/applications.js';
import type { Database } from '../store/database.js';
import type { Principal } from './policy.js';

/**
 * The ids of the applications a principal may see, for list endpoints to filter their query by; undefined
 * when it sees every application.
 */
export function visibleApplicationIds(db: Database, principal: Principal): string[] | undefined {
  return principal.applications?.flatMap((name) => getApplicationByName(db, name)?.id ?? []);
}
