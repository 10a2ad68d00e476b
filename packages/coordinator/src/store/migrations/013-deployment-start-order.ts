// The order in which deployments started: "the group's last successful deployment" and a host's last deployment
// are the ones that started last, not the ones created last (a rollback, created after deployments already
// waiting, starts before them). A counter rather than started_at, so that a wall clock stepping back cannot
// reorder them. Deployments started before this migration are numbered by start time.
export const sql = `
ALTER TABLE deployments ADD COLUMN start_seq INTEGER;

UPDATE deployments SET start_seq = (
  SELECT COUNT(*) FROM deployments o
  WHERE o.started_at IS NOT NULL
    AND (o.started_at < deployments.started_at OR (o.started_at = deployments.started_at AND o.seq <= deployments.seq))
) WHERE started_at IS NOT NULL;

CREATE UNIQUE INDEX deployments_by_start_seq ON deployments (start_seq);
`;
