-- jsonb rewrites objects (key order, duplicate keys), so metadata and config did not read back as
-- they were written. json keeps the text exactly; nothing queries inside these columns.
ALTER TABLE memories ALTER COLUMN metadata TYPE json USING metadata::text::json;
ALTER TABLE sessions ALTER COLUMN metadata TYPE json USING metadata::text::json;
ALTER TABLE agents ALTER COLUMN config TYPE json USING config::text::json;
