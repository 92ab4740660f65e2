-- Corrections: a memory may supersede (retire) an earlier one of its org. `supersedes` is set on
-- the new memory, `superseded_by` on the retired one; reads skip retired memories unless asked
-- (`superseded_by IS NULL`). memory_tags repeats the flag in its primary key's INCLUDE, as it
-- repeats importance (0001), so a tag count still reads no memories row.
ALTER TABLE memories ADD COLUMN supersedes text;
ALTER TABLE memories ADD COLUMN superseded_by text;
ALTER TABLE memory_tags ADD COLUMN superseded boolean NOT NULL DEFAULT false;
ALTER TABLE memory_tags DROP CONSTRAINT memory_tags_pkey;
ALTER TABLE memory_tags ADD PRIMARY KEY (org_id, tag, time, seq) INCLUDE (importance, superseded);
