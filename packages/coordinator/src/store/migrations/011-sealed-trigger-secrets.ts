// Trigger secrets sealed at rest, as secret variables are: `sealed` is the AES-256-GCM box of the signing secret
// (variables/secret-box.ts) under the coordinator's secrets key named by `key_id`, bound to `secret_ref`, so
// triggers of a group that share a reference share the box as it is.
//
// SQL cannot encrypt, and the key is loaded only once the database is open (the key check reads the stored
// boxes), so this migration cannot seal the rows it finds. It rebuilds the table (a NOT NULL column cannot be
// relaxed in place) keeping their plaintext in `unsealed_secret`; the same start, once the key is loaded and
// before anything is served, seals them, clears that column and compacts the file
// (notifications/seal-legacy-trigger-secrets.ts). Rows written from here on are sealed when written.
export const sql = `
CREATE TABLE triggers_v11 (
  id               TEXT PRIMARY KEY,
  group_id         TEXT NOT NULL REFERENCES deployment_groups(id),
  name             TEXT NOT NULL,
  url              TEXT NOT NULL,
  events           TEXT NOT NULL,             -- JSON TriggerEvent[]
  format           TEXT NOT NULL CHECK (format IN ('json', 'slack')),
  secret_ref       TEXT NOT NULL,             -- names the secret in group files and listings
  sealed           BLOB,                      -- nonce || tag || ciphertext
  key_id           TEXT,                      -- which secrets key sealed it
  unsealed_secret  TEXT,                      -- only a row from before this migration, until the start seals it
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (group_id, name),
  CHECK ((sealed IS NULL) = (key_id IS NULL)),
  CHECK ((sealed IS NULL) <> (unsealed_secret IS NULL))
);
INSERT INTO triggers_v11 (id, group_id, name, url, events, format, secret_ref, unsealed_secret, created_at, updated_at)
  SELECT id, group_id, name, url, events, format, secret_ref, secret, created_at, updated_at FROM triggers;
DROP TABLE triggers;
ALTER TABLE triggers_v11 RENAME TO triggers;
`;
