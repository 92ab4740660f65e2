-- Counting the matches of a list or search must not read one memories row per match: at 1M
-- memories a session's count read about 900 rows (4.5 ms) and a tag + min_importance count about
-- 50,000 (210 ms). The session and agent indexes now carry, after (time, seq), every other column
-- a filter can test except content, and memory_tags carries importance, so those counts (and the
-- rows a page skips) are checked on the index alone. `seq` is spelled out in the session and agent
-- keys so (time, seq) stays the index order: newest-first pages still need no sort.

DROP INDEX idx_memories_org_session_time;
CREATE INDEX idx_memories_org_session_time
  ON memories (org_id, session_id, time, seq, agent_id, memory_type, event_type, importance);

DROP INDEX idx_memories_org_agent_time;
CREATE INDEX idx_memories_org_agent_time
  ON memories (org_id, agent_id, time, seq, session_id, memory_type, event_type, importance);

ALTER TABLE memory_tags ADD COLUMN importance REAL NOT NULL DEFAULT 0;
UPDATE memory_tags
   SET importance = (SELECT m.importance FROM memories AS m WHERE m.seq = memory_tags.seq);
