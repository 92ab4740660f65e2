-- A session's context with max_tokens reads its memories best first (importance, time, id, each
-- highest first) and, once the budget is nearly full, only those short enough to still fit. This
-- index gives that order within a session with no sort, and carries memory_type and the content
-- length so the type filter and the length bound are checked on the index alone: the memories
-- too long to fit are passed over without reading their rows.
CREATE INDEX idx_memories_org_session_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id DESC, memory_type, length(content));
