-- Event time: `time` is when a memory happened (a client may give it, far in the past if need
-- be); `created_at` is when memtrace recorded it, which dedup windows read. Until now both were
-- the same instant, so existing rows get created_at = time. Nullable because SQLite adds a NOT
-- NULL column only with a default; every insert writes it, and a row without one reads as time.
ALTER TABLE memories ADD COLUMN created_at INTEGER;
UPDATE memories SET created_at = time;

-- The dedup lookup seeks (org, key) and the newest created_at in the window; it replaces the
-- (org, key, time) index of 0001, which nothing reads any more.
CREATE INDEX idx_memories_org_dedup_created ON memories (org_id, dedup_key, created_at);
DROP INDEX idx_memories_org_dedup_time;
