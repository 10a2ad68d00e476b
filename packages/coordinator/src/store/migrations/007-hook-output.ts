// Hook output streamed by agents as their scripts write it (see logs/). One row per line, in SQLite rather than
// in append-only files: an agent's batch of lines is one short transaction (WAL with synchronous=NORMAL does
// not sync per commit), readers filter by host and event and follow with one cursor across every host (`id`),
// retention is a DELETE by deployment, a backup of the database includes the logs, and there are no file
// handles per deployment to keep open or directories to sweep.
export const sql = `
CREATE TABLE hook_output (
  id             INTEGER PRIMARY KEY,          -- arrival order across hosts: a follower's cursor
  deployment_id  TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
  host_id        TEXT NOT NULL,
  event_name     TEXT NOT NULL,
  seq            INTEGER NOT NULL,             -- the agent's line number within the event; a gap: lines not streamed
  stream         TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'agent')),
  text           TEXT NOT NULL,
  at             TEXT NOT NULL                 -- when the agent read the line, by the host's clock
);
CREATE INDEX hook_output_by_deployment ON hook_output (deployment_id, id);
`;
