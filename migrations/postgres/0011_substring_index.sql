-- The substring index: a pg_trgm GIN index over memory content, so content_contains (LIKE
-- '%pattern%', ILIKE for the case-insensitive form) reads the rows holding the pattern's
-- trigrams instead of checking every candidate. Content is bytea (0001: text cannot hold U+0000),
-- so the index is on memtrace_content_text(content): the content as text, each NUL byte read
-- as U+FFFF (a noncharacter, so a pattern never means it by accident; the byte-wise position()
-- check keeps the case-sensitive form exact even then). Needs a UTF8 database, as 0005 does.
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner, a role
-- with CREATE on the database, or a superuser can create it. It is created in schema public
-- when this role may create objects there (so dropping memtrace's schema never drops it from
-- under another schema's index), else in memtrace's schema; when it cannot be created at all,
-- the migration stops with a message saying what to do.
DO $migration$
DECLARE
  trgm_schema name;
BEGIN
  SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_trgm';
  IF trgm_schema IS NULL THEN
    IF to_regnamespace('public') IS NOT NULL AND has_schema_privilege('public', 'CREATE') THEN
      trgm_schema := 'public';
    ELSE
      trgm_schema := current_schema();
    END IF;
    BEGIN
      EXECUTE format('CREATE EXTENSION pg_trgm SCHEMA %I', trgm_schema);
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'memtrace migration 0011 needs the PostgreSQL extension pg_trgm, and role % may not create it in database %: ask a superuser or the database owner to run CREATE EXTENSION pg_trgm; in database % (or to GRANT CREATE ON DATABASE % TO %), or run the migrations as a role allowed to create it; then start memtrace again',
          current_user, current_database(), current_database(), current_database(), current_user
          USING DETAIL = SQLERRM;
      WHEN undefined_file OR feature_not_supported OR undefined_object THEN
        RAISE EXCEPTION 'memtrace migration 0011 needs the PostgreSQL extension pg_trgm, which this server does not have: install PostgreSQL''s contrib extensions (pg_trgm ships with them, e.g. the postgresql-contrib package), then start memtrace again'
          USING DETAIL = SQLERRM;
    END;
  END IF;

  CREATE FUNCTION memtrace_content_text(content bytea) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $fn$
      SELECT CASE
        WHEN position('\x00'::bytea IN content) = 0 THEN convert_from(content, 'UTF8')
        -- NUL never occurs inside a multibyte UTF-8 sequence: byte by byte, 00 becomes EF BF BF.
        ELSE convert_from(decode(replace(replace(
               regexp_replace(encode(content, 'hex'), '(..)', '\1 ', 'g'),
               '00 ', 'efbfbf'), ' ', ''), 'hex'), 'UTF8')
      END
    $fn$;

  EXECUTE format(
    'CREATE INDEX idx_memories_content_trgm ON memories USING gin (memtrace_content_text(content) %I.gin_trgm_ops)',
    trgm_schema);
END
$migration$;
