// The complete admin surface: applications and groups can be deleted and renamed, hosts deregistered.
// Deleting keeps the row (with `deleted_at`), so deployments, revisions and every other table pointing at it keep
// their history readable by id; names are unique among live rows only, so a deleted name can be used again. SQLite
// cannot turn a table's UNIQUE into a partial index in place: both tables are rebuilt (`rebuildsTables`).
export const sql = `
CREATE TABLE applications_v6 (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  deleted_at   TEXT                           -- NULL while the application exists
);
INSERT INTO applications_v6 (id, name, created_at) SELECT id, name, created_at FROM applications;
DROP TABLE applications;
ALTER TABLE applications_v6 RENAME TO applications;
CREATE UNIQUE INDEX applications_live_name ON applications (name) WHERE deleted_at IS NULL;

CREATE TABLE deployment_groups_v6 (
  id                    TEXT PRIMARY KEY,
  application_id        TEXT NOT NULL REFERENCES applications(id),
  name                  TEXT NOT NULL,
  host_selector         TEXT NOT NULL,
  deployment_config     TEXT NOT NULL,
  strategy              TEXT NOT NULL DEFAULT '{"type":"inPlace"}',
  traffic_router        TEXT,
  health_checks         TEXT NOT NULL DEFAULT '[]',
  alarms                TEXT NOT NULL DEFAULT '[]',
  auto_rollback_events  TEXT NOT NULL DEFAULT '[]',
  outdated_instances    TEXT NOT NULL DEFAULT 'UPDATE' CHECK (outdated_instances IN ('UPDATE', 'IGNORE')),
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  deleted_at            TEXT                  -- NULL while the group exists
);
INSERT INTO deployment_groups_v6 (id, application_id, name, host_selector, deployment_config, strategy, traffic_router,
    health_checks, alarms, auto_rollback_events, outdated_instances, created_at, updated_at)
  SELECT id, application_id, name, host_selector, deployment_config, strategy, traffic_router,
    health_checks, alarms, auto_rollback_events, outdated_instances, created_at, updated_at FROM deployment_groups;
DROP TABLE deployment_groups;
ALTER TABLE deployment_groups_v6 RENAME TO deployment_groups;
CREATE UNIQUE INDEX deployment_groups_live_name ON deployment_groups (application_id, name) WHERE deleted_at IS NULL;

-- A deregistered host's credential no longer authenticates; its row stays for the deployments that name it.
ALTER TABLE hosts ADD COLUMN deregistered_at TEXT;
`;
