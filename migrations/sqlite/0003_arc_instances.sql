-- Same number as migrations/postgres/0003: the Arc instance an org is routed to instead of the
-- configured default one, at most one per org. The instance's API key is stored only sealed
-- (AES-256-GCM under MEMTRACE_MASTER_KEY, bound to the org); NULL when it needs none.
CREATE TABLE arc_instances (
  org_id         TEXT    NOT NULL PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
  url            TEXT    NOT NULL,
  database       TEXT    NOT NULL,
  measurement    TEXT    NOT NULL DEFAULT 'events',
  api_key_sealed TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
