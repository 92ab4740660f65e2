-- A session's context with max_tokens reads its memories best first and, once the budget is
-- nearly full, only those whose line could still fit. Until now that was a bound on the content's
-- length from the longest token there is (128 bytes, a run of spaces), which passes nearly every
-- memory: a context of a 10,000-memory session read all of them. Each memory now keeps
-- `line_tokens`: the tokens of its context line (`- <content>` and a newline) in the default
-- tokenizer, counted when it is written (the server counts them; the content never changes after).
-- The priority index carries it, so memories whose line cannot fit are passed over without
-- reading their rows. Rows written before, or by a writer that does not count, keep 0: such a
-- memory is read every time, as before.
ALTER TABLE memories ADD COLUMN line_tokens INTEGER NOT NULL DEFAULT 0;

DROP INDEX idx_memories_org_session_priority;
CREATE INDEX idx_memories_org_session_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id DESC, memory_type,
               length(content), line_tokens);
