-- A session's context with max_tokens reads its pinned memories first, then the others. The
-- priority index does not hold the pin, so the pinned read walked every memory of the session and
-- fetched each row to find none pinned. An index in the same order over pinned memories only
-- makes that read as long as there are pinned memories; an unpinned memory costs it nothing.
-- (The reads name `m.pinned` in their text, so the planner can prove they match the index's
-- condition under a generic plan too.)
CREATE INDEX idx_memories_org_session_pinned_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id COLLATE "C" DESC, content_chars,
               line_tokens)
  WHERE pinned;
