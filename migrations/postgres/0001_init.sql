-- memtrace schema for PostgreSQL; 0001 is the same logical change as migrations/sqlite/0001.
-- Times are bigint ms since the epoch (UTC), as in the domain. JSON columns are jsonb.
-- Memory content is bytea (UTF-8): PostgreSQL text cannot hold U+0000, which the API accepts,
-- and a byte-wise substring match on UTF-8 is the same as a character-wise one.
-- Every table has a bigserial-like `seq` (identity) where lists break time ties by insertion
-- order; each (..., time, seq) index serves ORDER BY time, seq in either direction, no sort.

CREATE TABLE memories (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text             NOT NULL UNIQUE,
  org_id      text             NOT NULL,
  agent_id    text             NOT NULL,
  session_id  text,
  memory_type text             NOT NULL,
  event_type  text             NOT NULL,
  content     bytea            NOT NULL,
  metadata    jsonb            NOT NULL DEFAULT '{}',
  tags        text[]           NOT NULL DEFAULT '{}',
  importance  double precision NOT NULL DEFAULT 0,
  dedup_key   text,
  parent_id   text,
  time        bigint           NOT NULL
);

-- One index per driving filter; the query builder leads with one of them.
CREATE INDEX idx_memories_org_time         ON memories (org_id, time DESC, seq DESC);
CREATE INDEX idx_memories_org_agent_time   ON memories (org_id, agent_id, time DESC, seq DESC);
-- agent and type ride along so a session's filtered count (every list answers one) reads no rows.
CREATE INDEX idx_memories_org_session_time ON memories (org_id, session_id, time DESC, seq DESC)
  INCLUDE (agent_id, memory_type);
CREATE INDEX idx_memories_org_type_time    ON memories (org_id, memory_type, time DESC, seq DESC);
CREATE INDEX idx_memories_org_event_time   ON memories (org_id, event_type, time DESC, seq DESC);

-- Tags as rows with the time in the key, so newest-first tag search walks the index in order
-- (a GIN index on tags finds the rows but cannot give them in time order: every match would be
-- sorted). `seq` points back at memories.seq; importance rides along for index-only counts.
CREATE TABLE memory_tags (
  org_id     text             NOT NULL,
  tag        text             NOT NULL,
  time       bigint           NOT NULL,
  seq        bigint           NOT NULL,
  importance double precision NOT NULL,
  PRIMARY KEY (org_id, tag, time, seq) INCLUDE (importance)
);

-- Dedup across processes: one row per (org, key) holding the newest memory with that key. The
-- insert claims it with INSERT ... ON CONFLICT DO UPDATE ... WHERE the held one is outside the
-- window, in the memory's transaction; the primary key makes concurrent claims serialise.
CREATE TABLE dedup_keys (
  org_id    text   NOT NULL,
  dedup_key text   NOT NULL,
  memory_id text   NOT NULL,
  time      bigint NOT NULL,
  PRIMARY KEY (org_id, dedup_key)
);

CREATE TABLE sessions (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         text   NOT NULL UNIQUE,
  org_id     text   NOT NULL,
  agent_id   text   NOT NULL,
  status     text   NOT NULL CHECK (status IN ('active', 'closed')),
  metadata   jsonb  NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  closed_at  bigint
);

CREATE INDEX idx_sessions_org_created       ON sessions (org_id, created_at DESC, seq DESC);
CREATE INDEX idx_sessions_org_agent_created ON sessions (org_id, agent_id, created_at DESC, seq DESC);

CREATE TABLE agents (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text   NOT NULL UNIQUE,
  org_id      text   NOT NULL,
  name        text   NOT NULL,
  description text,
  config      jsonb  NOT NULL DEFAULT '{}',
  created_at  bigint NOT NULL,
  CONSTRAINT agents_org_name_key UNIQUE (org_id, name)
);

CREATE INDEX idx_agents_org_created ON agents (org_id, created_at DESC, seq DESC);

CREATE TABLE orgs (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         text   NOT NULL UNIQUE,
  name       text   NOT NULL UNIQUE,
  created_at bigint NOT NULL
);

CREATE TABLE api_keys (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text   NOT NULL UNIQUE,
  org_id      text   NOT NULL,
  name        text   NOT NULL,
  key_hash    text   NOT NULL UNIQUE,
  permissions text[] NOT NULL DEFAULT '{}',
  created_at  bigint NOT NULL,
  revoked_at  bigint
);

CREATE INDEX idx_api_keys_org_created ON api_keys (org_id, created_at, seq);
