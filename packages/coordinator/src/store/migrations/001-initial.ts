// Baton's initial schema, kept as a string because tsc does not copy .sql files to dist.
export const sql = `
-- Baton's initial schema. Migrations are numbered and append-only: never edit one that has shipped.
-- Times are ISO-8601 UTC strings; JSON columns hold small documents validated by the code that reads them.

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,          -- sha256 of the secret; the secret is shown once
  role         TEXT NOT NULL DEFAULT 'admin',
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
);

CREATE TABLE applications (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL
);

CREATE TABLE deployment_groups (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications(id),
  name               TEXT NOT NULL,
  host_selector      TEXT NOT NULL,            -- JSON HostSelector {tagFilters, tagSet}
  deployment_config  TEXT NOT NULL,            -- JSON DeploymentConfig
  auto_rollback      INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  UNIQUE (application_id, name)
);

CREATE TABLE hosts (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  tags             TEXT NOT NULL,              -- JSON {key: value}
  credential_hash  TEXT NOT NULL UNIQUE,       -- sha256 of the host credential's secret
  facts            TEXT,                       -- JSON HostFacts reported at hello
  agent_version    TEXT,
  online           INTEGER NOT NULL DEFAULT 0,
  last_seen_at     TEXT,
  enrolled_at      TEXT NOT NULL
);

CREATE TABLE enrollment_tokens (
  id           TEXT PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  created_at   TEXT NOT NULL
);

-- A revision is a bundle registered for an application; its bytes live once in the blob store by sha256.
CREATE TABLE revisions (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  sha256          TEXT NOT NULL,
  size            INTEGER NOT NULL,
  bundle_type     TEXT NOT NULL,               -- tar | tgz | zip
  source          TEXT NOT NULL,               -- JSON {type: 'upload', ...}
  created_at      TEXT NOT NULL,
  UNIQUE (application_id, sha256)
);

CREATE TABLE deployments (
  id              TEXT PRIMARY KEY,
  seq             INTEGER NOT NULL UNIQUE,     -- creation order: the queue order within a group
  application_id  TEXT NOT NULL REFERENCES applications(id),
  group_id        TEXT NOT NULL REFERENCES deployment_groups(id),
  revision_id     TEXT NOT NULL REFERENCES revisions(id),
  status          TEXT NOT NULL,
  creator         TEXT NOT NULL,               -- user | rollback
  options         TEXT NOT NULL,               -- JSON DeploymentOptions
  plan            TEXT,                        -- JSON DeploymentPlan, fixed when the deployment starts
  error_code      TEXT,
  error_message   TEXT,
  rollback_info   TEXT,                        -- JSON RollbackInfo
  target_host_ids TEXT,                        -- JSON string[]: explicit targets (rollbacks); NULL = the group's hosts
  wakeup_at       TEXT,                        -- the engine's next requested wake-up
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  completed_at    TEXT
);
CREATE INDEX deployments_by_group ON deployments (group_id, seq);
CREATE INDEX deployments_by_status ON deployments (status);

-- One row per host of a deployment: its progress never rewrites the deployment row.
CREATE TABLE deployment_hosts (
  deployment_id  TEXT NOT NULL REFERENCES deployments(id),
  host_id        TEXT NOT NULL REFERENCES hosts(id),
  position       INTEGER NOT NULL,             -- deployment order
  status         TEXT NOT NULL,
  healthy        INTEGER NOT NULL,
  online         INTEGER NOT NULL,
  offline_since  TEXT,
  PRIMARY KEY (deployment_id, host_id)
);
CREATE INDEX deployment_hosts_by_host ON deployment_hosts (host_id);

-- One row per host and lifecycle event.
CREATE TABLE lifecycle_events (
  deployment_id  TEXT NOT NULL,
  host_id        TEXT NOT NULL,
  position       INTEGER NOT NULL,             -- order of the event in the host's lifecycle
  event_name     TEXT NOT NULL,
  command_id     TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL,
  start_time     TEXT,
  end_time       TEXT,
  deadline_at    TEXT,
  error_code     TEXT,
  script_name    TEXT,
  message        TEXT,
  log_tail       TEXT,
  PRIMARY KEY (deployment_id, host_id, event_name),
  FOREIGN KEY (deployment_id, host_id) REFERENCES deployment_hosts(deployment_id, host_id)
);

-- Commands decided by the engine and not yet acknowledged by their host: committed in the same transaction
-- as the state that produced them, redelivered after a restart or a reconnect.
CREATE TABLE outbox (
  command_id     TEXT PRIMARY KEY,
  deployment_id  TEXT NOT NULL,
  host_id        TEXT NOT NULL,
  payload        TEXT NOT NULL,                -- JSON coordinator-to-agent message
  created_at     TEXT NOT NULL
);
CREATE INDEX outbox_by_host ON outbox (host_id);
`;
