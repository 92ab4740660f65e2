-- Same number as migrations/postgres/0014, which gives PostgreSQL's driving indexes and
-- memory_tags the retired flag, the expiry and the pin, as SQLite's 0013 did here. Nothing to
-- change.
SELECT 1;
