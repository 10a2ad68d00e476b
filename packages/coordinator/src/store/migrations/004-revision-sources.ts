// Revisions from S3, Git and HTTP. A revision row now also records a location that could not be resolved
// (sha256 NULL, with the reason), so that a deployment of it can exist and fail with REVISION_MISSING or
// INVALID_REVISION; `source_key` names the exact bytes a location stands for (an S3 object version or ETag, a
// Git commit, an upload's digest), so each is resolved once per application. SQLite cannot relax NOT NULL in
// place: the table is rebuilt (`rebuildsTables`: foreign keys are checked once, before the commit).
export const sql = `
CREATE TABLE revisions_v4 (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  location        TEXT NOT NULL,               -- the location as asked for, for people: s3://b/k, git URL@commit, ...
  source_key      TEXT,                        -- canonical identity of the bytes; NULL while unresolved
  source          TEXT,                        -- JSON RevisionSource; NULL while unresolved
  sha256          TEXT,
  size            INTEGER,
  bundle_type     TEXT,                        -- tar | tgz | zip
  signatures      TEXT NOT NULL DEFAULT '[]',  -- JSON RevisionSignature[]
  error_code      TEXT,                        -- REVISION_MISSING | INVALID_REVISION when unresolved
  error_message   TEXT,
  created_at      TEXT NOT NULL,
  UNIQUE (application_id, source_key),
  CHECK ((sha256 IS NULL) = (error_code IS NOT NULL)),
  CHECK ((sha256 IS NULL) = (source_key IS NULL))
);

INSERT INTO revisions_v4 (id, application_id, location, source_key, source, sha256, size, bundle_type, created_at)
  SELECT id, application_id, 'upload', 'upload:' || sha256, source, sha256, size, bundle_type, created_at FROM revisions;

DROP TABLE revisions;
ALTER TABLE revisions_v4 RENAME TO revisions;
CREATE INDEX revisions_by_application ON revisions (application_id, created_at);
CREATE INDEX deployments_by_revision ON deployments (revision_id);
`;
