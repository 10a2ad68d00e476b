// Agent upgrades: the last upgrade asked of each host and how far it got, so that `baton hosts upgrade`, `baton
// hosts get` and an upgrade still waiting for a host's lifecycle work to end all survive a coordinator restart.
// One row per host, replaced by the next request: the history of upgrades is in the coordinator's log.
export const sql = `
CREATE TABLE host_upgrades (
  host_id       TEXT PRIMARY KEY REFERENCES hosts(id),
  version       TEXT NOT NULL,                 -- the agent version asked for
  from_version  TEXT,                          -- the host's agent version when asked
  package_url   TEXT NOT NULL,                 -- where the agent fetches it (GET /install/agent.tgz)
  sha256        TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'starting', 'upgraded', 'refused', 'failed')),
  message       TEXT NOT NULL,
  requested_at  TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX host_upgrades_waiting ON host_upgrades (state) WHERE state = 'waiting';
`;
