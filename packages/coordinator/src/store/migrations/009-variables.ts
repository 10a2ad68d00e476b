// Variables of applications and groups, given to every hook of their deployments. A row with `group_id` NULL
// belongs to the application; otherwise to that group, whose values override the application's. A secret keeps
// no plaintext: `sealed` is its AES-256-GCM box (see variables/secret-box.ts) under the key named by `key_id`.
// Deleting an application or a group (marking it deleted) deletes its variables: no secret outlives its owner.
// The triggers live on those tables: a migration that rebuilds one of them must create them again.
export const sql = `
CREATE TABLE variables (
  application_id  TEXT NOT NULL REFERENCES applications(id),
  group_id        TEXT REFERENCES deployment_groups(id),
  name            TEXT NOT NULL,
  value           TEXT,                        -- plain variables only
  sealed          BLOB,                        -- secrets only: nonce || tag || ciphertext
  key_id          TEXT,                        -- secrets only: which secrets key sealed it
  updated_at      TEXT NOT NULL,
  CHECK ((value IS NULL) = (sealed IS NOT NULL)),
  CHECK ((sealed IS NULL) = (key_id IS NULL))
);
CREATE UNIQUE INDEX variables_of_application ON variables (application_id, name) WHERE group_id IS NULL;
CREATE UNIQUE INDEX variables_of_group ON variables (group_id, name) WHERE group_id IS NOT NULL;

CREATE TRIGGER variables_leave_with_application AFTER UPDATE OF deleted_at ON applications
  WHEN NEW.deleted_at IS NOT NULL
BEGIN
  DELETE FROM variables WHERE application_id = NEW.id;
END;

CREATE TRIGGER variables_leave_with_group AFTER UPDATE OF deleted_at ON deployment_groups
  WHEN NEW.deleted_at IS NOT NULL
BEGIN
  DELETE FROM variables WHERE group_id = NEW.id;
END;
`;
