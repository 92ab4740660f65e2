-- Same number as migrations/sqlite/0005. A session's context with max_tokens reads its memories
-- best first (importance, time, id, each highest first) and, once the budget is nearly full, only
-- those short enough to still fit. Content is bytea here, whose length in bytes says little of its
-- length in characters, so each memory now records `content_chars`: its content's length in
-- UTF-16 code units, written with the memory. Rows stored before this migration get their count
-- of Unicode characters (never more than the UTF-16 length; for content holding a NUL byte, which
-- PostgreSQL text cannot hold, a third of its bytes rounded up, never more either). A writer that
-- does not know the column leaves 0, which only makes such a memory a candidate every time.
ALTER TABLE memories ADD COLUMN content_chars integer NOT NULL DEFAULT 0;

UPDATE memories
   SET content_chars = CASE
         WHEN position('\x00'::bytea IN content) > 0 THEN (octet_length(content) + 2) / 3
         ELSE char_length(convert_from(content, 'UTF8'))
       END;

-- The session's memories in priority order with no sort; the length bound is checked on the index,
-- so memories too long to fit are passed over without reading their rows. Ids compare byte-wise
-- (COLLATE "C"), as the domain compares them, whatever the database's collation.
CREATE INDEX idx_memories_org_session_priority
  ON memories (org_id, session_id, importance DESC, time DESC, id COLLATE "C" DESC, content_chars);

ANALYZE memories;
