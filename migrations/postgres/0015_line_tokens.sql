-- Same number as migrations/sqlite/0015. A session's context with max_tokens reads its memories
-- best first and, once the budget is nearly full, only those whose line could still fit. The
-- bound on content_chars (0005) comes from the longest token there is (128 bytes, a run of
-- spaces) and passes nearly every memory. Each memory now keeps `line_tokens`: the tokens of its
-- context line (`- <content>` and a newline) in the default tokenizer, counted by the server when
-- it is written. The priority index carries it as a scan key, so memories whose line cannot fit
-- are passed over without reading their rows. Rows written before, or by a writer that does not
-- count, keep 0 (no table rewrite): such a memory is read every time, as before.
ALTER TABLE memories ADD COLUMN line_tokens integer NOT NULL DEFAULT 0;

DROP INDEX idx_memories_org_session_priority;
CREATE INDEX idx_memories_org_session_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id COLLATE "C" DESC, content_chars,
               line_tokens);
