-- Same number as migrations/sqlite/0003: the Arc instance an org is routed to instead of the
-- configured default one, at most one per org. The instance's API key is stored only sealed
-- (AES-256-GCM under MEMTRACE_MASTER_KEY, bound to the org); NULL when it needs none.
CREATE TABLE arc_instances (
  org_id         text   NOT NULL PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
  url            text   NOT NULL,
  database       text   NOT NULL,
  measurement    text   NOT NULL DEFAULT 'events',
  api_key_sealed text,
  created_at     bigint NOT NULL,
  updated_at     bigint NOT NULL
);
