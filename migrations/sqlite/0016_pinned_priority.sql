-- A session's context with max_tokens reads its pinned memories first, then the others. The
-- priority index does not hold the pin, so the pinned read walked every memory of the session and
-- fetched each row to find none pinned: 3 ms of a 10,000-memory session's context, most of it
-- once line tokens bound the other reads. An index in the same order over pinned memories only
-- makes that read as long as there are pinned memories; an unpinned memory costs it nothing.
CREATE INDEX idx_memories_org_session_pinned_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id DESC, memory_type,
               length(content), line_tokens)
  WHERE pinned = 1;
