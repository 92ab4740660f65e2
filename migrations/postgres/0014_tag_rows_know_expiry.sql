-- The tag walk checks expiry on the tag row (same number as migrations/sqlite/0014).
--
-- Every read a service makes skips expired memories (`expires_at`, `pinned` and `time` against
-- the org's retention, 0009). memory_tags repeated importance (0001) and the retired flag (0010)
-- but not the expiry, so since 0009 a tag filter read one memories row per tag row it passed,
-- matching or not, to test the expiry: at 1M memories a 50-row tag page took about 220 ms where
-- the same walk on the tag rows alone takes under 10 ms (docs/benchmark.md). memory_tags now
-- repeats expires_at and pinned, in its primary key's INCLUDE, as SQLite's does since its 0013:
-- a tag count, and the rows a tag page passes over, are checked on the index alone.
ALTER TABLE memory_tags ADD COLUMN expires_at bigint;
ALTER TABLE memory_tags ADD COLUMN pinned boolean NOT NULL DEFAULT false;
UPDATE memory_tags AS t
   SET expires_at = m.expires_at, pinned = m.pinned
  FROM memories AS m
 WHERE m.seq = t.seq AND (m.expires_at IS NOT NULL OR m.pinned);
ALTER TABLE memory_tags DROP CONSTRAINT memory_tags_pkey;
ALTER TABLE memory_tags ADD PRIMARY KEY (org_id, tag, time, seq)
  INCLUDE (importance, superseded, expires_at, pinned);
