-- Ranked keyword search: an FTS5 index of memory content, ranked by bm25().
--
-- The tokenizer is `unicode61 remove_diacritics 0`: words are runs of letters and digits, folded
-- to lower case, accents kept (domain/memory/search-words.ts reproduces it for the other stores).
-- External content (`content = 'memories'`): the index keeps no copy of the content, and its
-- rowid is the memory's `seq`.
--
-- `secure-delete` makes FTS5 remove a deleted row's words from the index pages at once instead of
-- writing delete markers beside them, so (with PRAGMA secure_delete and the store's WAL scrub) no
-- word of a forgotten memory stays readable in the file. A contentless table with
-- `contentless_delete = 1` deletes faster but only marks rows deleted (tombstones) and keeps their
-- words in the index, so it cannot keep that promise. Measured at 50,000 memories of 40 words:
-- inserts cost about 3.5 times the bare insert; a delete costs about 2 ms (FTS5 rewrites the index
-- pages of each of its words) against under 0.1 ms without the index.
CREATE VIRTUAL TABLE memories_fts USING fts5(
  content,
  content = 'memories',
  content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 1);

-- Index the memories stored before this migration.
INSERT INTO memories_fts (memories_fts) VALUES ('rebuild');

-- Kept in step by triggers, so every path that writes or deletes memories (the store's deletes,
-- purges and cascades, an import) keeps the index right. The 'delete' command must be given the
-- content the row was indexed with: content is immutable, and the update trigger only guards the
-- index should a row's content or seq ever change.
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF seq, content ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  INSERT INTO memories_fts (rowid, content) VALUES (new.seq, new.content);
END;
