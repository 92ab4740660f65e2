-- Every read the services make skips retired memories (`superseded_by IS NULL`, 0010) and expired
-- ones (`expires_at`, `pinned` and `time` against the org's retention, 0009). None of the driving
-- indexes carried those columns, so a count, and every row a page passes over, read the memory's
-- row to test them: at 1M memories a count of a tag read one memories row per tag row (a 50-row
-- tag page with its count took about 220 ms at p50 where the tag rows alone answer in under
-- 10 ms), and a session list's count 12.9 ms where the index alone answers in 2.4 ms
-- (docs/benchmark.md). As SQLite's 0013 does, the five driving indexes now carry them (INCLUDE:
-- read, never ordered by), the agent and session indexes also the other columns a list filters on,
-- and memory_tags repeats expires_at and pinned in its primary key's INCLUDE as it repeats
-- importance (0001) and the retired flag (0010). A count is then an index-only scan wherever the
-- visibility map allows (autovacuum keeps it), and a page passes over retired and expired memories
-- without their rows. For most memories the three columns are NULL, NULL and false.
DROP INDEX idx_memories_org_time;
CREATE INDEX idx_memories_org_time ON memories (org_id, time DESC, seq DESC)
  INCLUDE (superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_type_time;
CREATE INDEX idx_memories_org_type_time ON memories (org_id, memory_type, time DESC, seq DESC)
  INCLUDE (superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_event_time;
CREATE INDEX idx_memories_org_event_time ON memories (org_id, event_type, time DESC, seq DESC)
  INCLUDE (superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_agent_time;
CREATE INDEX idx_memories_org_agent_time ON memories (org_id, agent_id, time DESC, seq DESC)
  INCLUDE (session_id, memory_type, event_type, importance, superseded_by, expires_at, pinned);

DROP INDEX idx_memories_org_session_time;
CREATE INDEX idx_memories_org_session_time ON memories (org_id, session_id, time DESC, seq DESC)
  INCLUDE (agent_id, memory_type, event_type, importance, superseded_by, expires_at, pinned);

ALTER TABLE memory_tags ADD COLUMN expires_at bigint;
ALTER TABLE memory_tags ADD COLUMN pinned boolean NOT NULL DEFAULT false;
UPDATE memory_tags AS t
   SET expires_at = m.expires_at, pinned = m.pinned
  FROM memories AS m
 WHERE m.seq = t.seq AND (m.expires_at IS NOT NULL OR m.pinned);
ALTER TABLE memory_tags DROP CONSTRAINT memory_tags_pkey;
ALTER TABLE memory_tags ADD PRIMARY KEY (org_id, tag, time, seq)
  INCLUDE (importance, superseded, expires_at, pinned);

ANALYZE memories;
ANALYZE memory_tags;
