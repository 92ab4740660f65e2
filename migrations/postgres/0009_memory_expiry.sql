-- Memory expiry (same number as migrations/sqlite/0009). A memory may carry its own expiry
-- (`expires_at`, ms) or be pinned (never expires); an org may have a retention (`retention_ms`)
-- that its other memories expire after. Rows from before have no expiry and are not pinned.
ALTER TABLE memories ADD COLUMN expires_at bigint;
ALTER TABLE memories ADD COLUMN pinned boolean NOT NULL DEFAULT false;
ALTER TABLE orgs ADD COLUMN retention_ms bigint;
-- The purge finds memories past their own expiry with one range scan per org; those expiring
-- under a retention it finds on idx_memories_org_time. Partial: most memories have no expiry.
CREATE INDEX idx_memories_org_expires ON memories (org_id, expires_at) WHERE expires_at IS NOT NULL;
