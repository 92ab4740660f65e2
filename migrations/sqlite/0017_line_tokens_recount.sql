-- Each memory's line tokens (0015) are now at most one above its line's cheapest ending, and a
-- context's bound relies on that (0016's release). Memories stored before 0015 have none (0),
-- so a context reads every one of them; those stored since hold the count with a newline, which
-- is the same number unless another ending is two or more tokens cheaper. This marks every
-- memory for one recount: the server, which has the tokenizer, counts them when it opens the
-- database, in batches of its own, each committed with the rowid it reached (an interrupted
-- recount resumes there), and deletes the row when done.
CREATE TABLE line_tokens_recount (after_rowid INTEGER NOT NULL);
INSERT INTO line_tokens_recount (after_rowid) VALUES (0);
