-- Ranked keyword search. `search_vector` holds the words
-- of each memory's content as the domain reads them (tokenizeWords: FTS5's unicode61 rule),
-- written by the adapter at insert: with the `simple` text-search configuration (the default) a
-- tsvector of exactly those words, with another one `to_tsvector(config, words)`. Content is
-- immutable, so the vector never changes; deleting a memory deletes it.
--
-- Rows stored before this migration have no vector yet: the adapter computes theirs in batches
-- right after migrating, under the migration lock (adapters/storage/postgres/
-- postgres-search-index.ts), since no SQL function reproduces the domain's word rule.
ALTER TABLE memories ADD COLUMN search_vector tsvector;
CREATE INDEX idx_memories_search ON memories USING gin (search_vector);
-- The configuration the vectors were built with (NULL: not built yet). A server set to another
-- one re-indexes at start when it migrates, or refuses to start.
CREATE TABLE search_index (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  text_search_config text
);
INSERT INTO search_index (only_row, text_search_config) VALUES (true, NULL);
