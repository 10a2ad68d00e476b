// Groups as files: the strategy, traffic router, health checks, alarms, automatic-rollback events and the
// outdated-instances rule. JSON columns hold the group file's own shapes (durations such as "30s", amounts
// such as 3 or "25%"), read back through the shared group-spec schemas.
export const sql = `
ALTER TABLE deployment_groups ADD COLUMN strategy TEXT NOT NULL DEFAULT '{"type":"inPlace"}';
ALTER TABLE deployment_groups ADD COLUMN traffic_router TEXT;                  -- JSON TrafficRouterSpec, NULL = none
ALTER TABLE deployment_groups ADD COLUMN health_checks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deployment_groups ADD COLUMN alarms TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deployment_groups ADD COLUMN auto_rollback_events TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deployment_groups ADD COLUMN outdated_instances TEXT NOT NULL DEFAULT 'UPDATE'
  CHECK (outdated_instances IN ('UPDATE', 'IGNORE'));

-- The old flag meant "roll back when a deployment fails": it becomes that one event, then goes, so no
-- column can disagree with the list.
UPDATE deployment_groups SET auto_rollback_events = '["DEPLOYMENT_FAILURE"]' WHERE auto_rollback = 1;
ALTER TABLE deployment_groups DROP COLUMN auto_rollback;
`;
