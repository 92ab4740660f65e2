-- Same number as migrations/postgres/0014, which repeats expires_at and pinned in PostgreSQL's
-- memory_tags so its tag walk checks expiry on the tag row. SQLite's memory_tags has carried
-- both since its 0013. Nothing to change.
SELECT 1;
