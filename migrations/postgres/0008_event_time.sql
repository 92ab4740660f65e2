-- Event time: `time` is when a memory happened (a client may give it, far in the past if need
-- be); `created_at` is when memtrace recorded it, which dedup windows read. Until now both were
-- the same instant, so existing rows get created_at = time. Left nullable, as in SQLite: every
-- insert writes it, and a row an older memtrace writes during an upgrade reads as its time.
ALTER TABLE memories ADD COLUMN created_at bigint;
UPDATE memories SET created_at = time;

-- dedup_keys.time now holds the created_at of the memory holding the key (the same value for
-- every row written so far). When a holder is deleted, the key goes to the memory of the org
-- created last still having it: this index finds it with one seek per key, replacing 0007's.
CREATE INDEX idx_memories_org_dedup_created
  ON memories (org_id, dedup_key, created_at DESC, seq DESC) WHERE dedup_key IS NOT NULL;
DROP INDEX idx_memories_org_dedup_time;
