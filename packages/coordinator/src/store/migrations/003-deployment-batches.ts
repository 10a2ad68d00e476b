// Strategies with batches: where a deployment is in its plan, when its bake ends, and outbox rows for the
// traffic router (BlockTraffic / AllowTraffic done by the coordinator) beside those for agents.
export const sql = `
ALTER TABLE deployments ADD COLUMN batch_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deployments ADD COLUMN bake_until TEXT;
ALTER TABLE outbox ADD COLUMN target TEXT NOT NULL DEFAULT 'agent' CHECK (target IN ('agent', 'router'));
`;
