import type { Database } from './database.js';

/**
 * How many stored secrets (secret variables and trigger signing secrets) each key sealed: the start's check
 * that the configured key is theirs.
 */
export function countSealedSecretsByKey(db: Database): { keyId: string; count: number }[] {
  return db
    .prepare<[], { keyId: string; count: number }>(
      `SELECT key_id AS keyId, count(*) AS count
       FROM (SELECT key_id FROM variables WHERE key_id IS NOT NULL UNION ALL SELECT key_id FROM triggers WHERE key_id IS NOT NULL)
       GROUP BY key_id ORDER BY key_id`,
    )
    .all();
}
