import { getApplication } from '../store/applications.js';
import { authenticateApiToken, type ApiToken } from '../store/api-tokens.js';
import type { Database } from '../store/database.js';
import type { Principal } from './policy.js';

/**
 * The caller an API token stands for, or undefined when the token is malformed, unknown, wrong, expired or
 * revoked. Both the `/api/v1` bearer auth and the dashboard's cookie sign-in use this, so a session has the
 * same rights through either door.
 */
export function principalForToken(db: Database, token: string, now: Date): Principal | undefined {
  const apiToken = authenticateApiToken(db, token, now);
  return apiToken && toPrincipal(db, apiToken);
}

function toPrincipal(db: Database, apiToken: ApiToken): Principal {
  return {
    tokenId: apiToken.id,
    name: apiToken.name,
    role: apiToken.role,
    applications: apiToken.applicationIds && applicationNames(db, apiToken.applicationIds),
  };
}

/** The current names of the applications with these ids; deleted ones are left out. */
export function applicationNames(db: Database, applicationIds: readonly string[]): string[] {
  return applicationIds.flatMap((id) => getApplication(db, id)?.name ?? []);
}
