// Notifications: a group's triggers (webhooks) and the deliveries they owe. A delivery is a row before any
// attempt, so retries survive a restart; `next_attempt_at` is also the lease of an attempt in flight (pushed
// past the attempt's timeout when it starts), so an attempt cut short by a crash is made again, never lost.
// Deleting a trigger deletes its delivery log. The secret signs the bodies: the coordinator needs it back, so it
// is kept, and only ever shown once.
export const sql = `
CREATE TABLE triggers (
  id           TEXT PRIMARY KEY,
  group_id     TEXT NOT NULL REFERENCES deployment_groups(id),
  name         TEXT NOT NULL,
  url          TEXT NOT NULL,
  events       TEXT NOT NULL,                 -- JSON TriggerEvent[]
  format       TEXT NOT NULL CHECK (format IN ('json', 'slack')),
  secret_ref   TEXT NOT NULL,                 -- names the secret in group files and listings
  secret       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  UNIQUE (group_id, name)
);

CREATE TABLE webhook_deliveries (
  id                TEXT PRIMARY KEY,          -- sent as X-Baton-Delivery
  trigger_id        TEXT NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
  event             TEXT NOT NULL,             -- TriggerEvent, sent as X-Baton-Event
  deployment_id     TEXT NOT NULL,
  body              TEXT NOT NULL,             -- the exact bytes signed and sent, fixed when the event happened
  status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   TEXT,                      -- while pending: when the next attempt is due (or its lease ends)
  last_status_code  INTEGER,
  last_error        TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_trigger ON webhook_deliveries (trigger_id, created_at);
`;
