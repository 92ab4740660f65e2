-- Same number as migrations/sqlite/0013, which ends SQLite's driving indexes in (superseded_by,
-- expires_at, pinned), repeats expires_at and pinned in memory_tags and makes the dedup index
-- partial, so SQLite counts on the index alone. PostgreSQL keeps its indexes for now: the same
-- columns as INCLUDE would let an index-only scan skip the heap only where the visibility map
-- allows, its dedup lookups go through the dedup_keys table, and neither was measured here
-- (docs/benchmark.md, "Indexes that earn their cost"). Nothing to change.
SELECT 1;
