import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFirstAdminToken } from './store/api-tokens.js';
import type { Database } from './store/database.js';

/**
 * On the first start (a database without any API token) mints the admin token and saves it to
 * `<dataDir>/admin-token`, readable by its owner only. The file is written inside the insert's transaction:
 * if it cannot be written the token is not kept, so a start never leaves a token nobody can read.
 * Returns undefined on every later start.
 */
export function bootstrapAdminToken(db: Database, dataDir: string, now: Date): { path: string; token: string } | undefined {
  const path = join(dataDir, 'admin-token');
  return db.transaction(() => {
    const issued = createFirstAdminToken(db, now);
    if (!issued) return undefined;
    writeFileSync(path, `${issued.token}\n`, { mode: 0o600 });
    chmodSync(path, 0o600); // an older file keeps its mode through writeFileSync
    return { path, token: issued.token };
  })();
}
