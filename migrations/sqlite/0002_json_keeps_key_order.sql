-- Same number as migrations/postgres/0002: there metadata and config move from jsonb to json so they
-- read back exactly as written. SQLite already keeps them as the JSON text sent; nothing to change.
SELECT 1;
