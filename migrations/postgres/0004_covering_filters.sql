-- Same number as migrations/sqlite/0004, which makes the session and agent indexes and
-- memory_tags cover the filters a count tests. Here the session index already INCLUDEs agent_id
-- and memory_type and memory_tags INCLUDEs importance (0001); nothing to change.
SELECT 1;
