/**
 * The start-up half of migration 011: seals the trigger secrets stored in plaintext before it, once the secrets
 * key is loaded and before anything is served. The plaintext must also leave the file, not only the rows: the
 * database is compacted (VACUUM, no free page keeps old bytes) and its write-ahead log emptied.
 */
import type { Database } from '../store/database.js';
import type { SecretsKey } from '../variables/secrets-key.js';
import { sealTriggerSecret } from './trigger-secret-box.js';
import { listUnsealedTriggerSecrets, storeSealedTriggerSecret } from './trigger-store.js';

/** Returns how many secrets it sealed; none on every start after the first. */
export function sealLegacyTriggerSecrets(db: Database, key: SecretsKey): number {
  const unsealed = listUnsealedTriggerSecrets(db);
  if (unsealed.length === 0) return 0;
  db.transaction(() => {
    for (const { id, secretRef, secret } of unsealed) storeSealedTriggerSecret(db, id, sealTriggerSecret(key, secretRef, secret));
  })();
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return unsealed.length;
}
