-- Indexes that earn their cost (docs/benchmark.md, "Indexes that earn their cost").
--
-- Every read a service makes skips retired memories (`superseded_by IS NULL`, 0010) and expired
-- ones (`expires_at`, `pinned` and `time` against the org's retention, 0009). None of the
-- driving indexes carried those columns, so since 0009 every count read one memories row per
-- match, and the covering columns of 0004 no longer saved a row: at 300,000 memories a count of
-- one memory type read 75,000 rows. The five driving indexes now end in (superseded_by,
-- expires_at, pinned), and memory_tags repeats expires_at and pinned as it repeats importance and
-- the retired flag: a count, and the rows a page passes over, are checked on the index alone.
-- For most memories the three columns are NULL, NULL and 0, which SQLite stores in the record
-- header alone (a byte each): the same nine b-trees per memory, each entry three bytes longer.
-- `seq` is spelled out before them so (time, seq) stays each index's order.
DROP INDEX idx_memories_org_time;
CREATE INDEX idx_memories_org_time
  ON memories (org_id, time, seq, superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_type_time;
CREATE INDEX idx_memories_org_type_time
  ON memories (org_id, memory_type, time, seq, superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_event_time;
CREATE INDEX idx_memories_org_event_time
  ON memories (org_id, event_type, time, seq, superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_agent_time;
CREATE INDEX idx_memories_org_agent_time
  ON memories (org_id, agent_id, time, seq, session_id, memory_type, event_type, importance,
               superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_session_time;
CREATE INDEX idx_memories_org_session_time
  ON memories (org_id, session_id, time, seq, agent_id, memory_type, event_type, importance,
               superseded_by, expires_at, pinned);

ALTER TABLE memory_tags ADD COLUMN expires_at INTEGER;
ALTER TABLE memory_tags ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
UPDATE memory_tags
   SET expires_at = m.expires_at, pinned = m.pinned
  FROM memories AS m
 WHERE m.seq = memory_tags.seq AND (m.expires_at IS NOT NULL OR m.pinned <> 0);

-- The dedup lookup always names a key (`dedup_key = ?`), so memories without one need no entry:
-- with dedup off (and no key given) the index stays empty and costs a write nothing.
DROP INDEX idx_memories_org_dedup_created;
CREATE INDEX idx_memories_org_dedup_created
  ON memories (org_id, dedup_key, created_at) WHERE dedup_key IS NOT NULL;
