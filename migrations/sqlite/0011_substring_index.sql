-- The substring index: an FTS5 table with the trigram tokenizer over memory content, so
-- content_contains reads the memories holding every three-character sequence of its pattern
-- instead of checking the substring on every candidate row. A trigram phrase MATCH is a
-- substring match for patterns of three characters or more; shorter patterns are checked on the
-- rows as before. case_sensitive 0 (and remove_diacritics 0) lets one index serve both forms:
-- the exact, case-sensitive check (instr) and the case-insensitive one run on its candidates.
--
-- External content (`content='memories'`): the index keeps no second copy of the text, only the
-- trigrams' postings. Triggers keep it in step with every write and every delete (a delete by
-- id or filter, the purge of expired memories, a session's or an agent's memories), whatever
-- the path. `secure-delete` makes a delete remove the postings from the index's pages (not only
-- record a delete marker to merge later), so with the connection's secure_delete pragma no
-- trigram of a deleted memory stays readable in the shadow tables.
CREATE VIRTUAL TABLE memory_trigrams USING fts5(
  content,
  content = 'memories',
  content_rowid = 'seq',
  tokenize = 'trigram case_sensitive 0 remove_diacritics 0'
);
INSERT INTO memory_trigrams (memory_trigrams, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER memory_trigrams_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memory_trigrams (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER memory_trigrams_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memory_trigrams (memory_trigrams, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER memory_trigrams_update AFTER UPDATE OF content ON memories BEGIN
  INSERT INTO memory_trigrams (memory_trigrams, rowid, content) VALUES ('delete', old.seq, old.content);
  INSERT INTO memory_trigrams (rowid, content) VALUES (new.seq, new.content);
END;

-- The memories already stored.
INSERT INTO memory_trigrams (memory_trigrams) VALUES ('rebuild');
