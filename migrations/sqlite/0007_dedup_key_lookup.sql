-- Same number as migrations/postgres/0007, which indexes memories by (org, dedup key, time) so a
-- deleted dedup key holder can be replaced. SQLite has had that index since 0001
-- (idx_memories_org_dedup_time); nothing to change.
SELECT 1;
