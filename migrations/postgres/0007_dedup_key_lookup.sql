-- Deleting the memory that holds a dedup key (its dedup_keys row) gives the key to the newest
-- memory of the org still having it, so dedup answers as if the deleted memory had never been
-- stored. This index finds that memory with one seek per key instead of reading every memory of
-- the org. Partial: memories without a key (most of them) are not indexed. Same name and key as
-- the SQLite index of 0001, which the SQLite insert also uses for its dedup lookup.
CREATE INDEX idx_memories_org_dedup_time
  ON memories (org_id, dedup_key, time DESC, seq DESC) WHERE dedup_key IS NOT NULL;
