-- Corrections: a memory may supersede (retire) an earlier one of its org. `supersedes` is set on
-- the new memory, `superseded_by` on the retired one; reads skip retired memories unless asked
-- (`superseded_by IS NULL`). memory_tags repeats the flag, as it repeats importance (0004), so a
-- tag count still needs no memories row.
ALTER TABLE memories ADD COLUMN supersedes TEXT;
ALTER TABLE memories ADD COLUMN superseded_by TEXT;
ALTER TABLE memory_tags ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
