// Access control and audit. API tokens gain the applications they are limited to (a JSON array of application
// ids, so a renamed application keeps its tokens and a deleted one drops out; NULL: every application) and an
// optional expiry. The audit log is append-only: triggers refuse every UPDATE and DELETE, so not even a bug in
// the coordinator can rewrite what happened.
export const sql = `
ALTER TABLE api_tokens ADD COLUMN application_ids TEXT;   -- JSON string[] of application ids; NULL = all
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;        -- NULL = never

CREATE TABLE audit_log (
  seq            INTEGER PRIMARY KEY,                 -- append order (rows are never deleted, so never reused)
  at             TEXT NOT NULL,
  actor_id       TEXT,                                -- the API token's id; NULL for a refused authentication
  actor_name     TEXT,                                -- its name when the entry was written
  action         TEXT NOT NULL,                       -- 'POST /deployments/{id}/stop', 'dashboard: stop'
  target         TEXT,                                -- the resource: '/deployments/d-…', an application, ...
  channel        TEXT NOT NULL,                       -- api | dashboard | agent
  address        TEXT,                                -- the client's socket address
  forwarded_for  TEXT,                                -- X-Forwarded-For as sent: recorded, never trusted
  status         INTEGER,                             -- the HTTP status answered
  detail         TEXT                                 -- JSON: route params, application, summary; never bodies
);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;
