-- memtrace schema for SQLite. Times are INTEGER ms since the epoch (UTC); JSON columns are TEXT.
-- Every table keeps an INTEGER PRIMARY KEY `seq` (the rowid) where lists break time ties by
-- insertion order: each (…, time) index ends in the rowid, so ORDER BY time, seq needs no sort.

CREATE TABLE memories (
  seq         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  org_id      TEXT    NOT NULL,
  agent_id    TEXT    NOT NULL,
  session_id  TEXT,
  memory_type TEXT    NOT NULL,
  event_type  TEXT    NOT NULL,
  content     TEXT    NOT NULL,
  metadata    TEXT    NOT NULL DEFAULT '{}',
  tags        TEXT    NOT NULL DEFAULT '[]',
  importance  REAL    NOT NULL DEFAULT 0,
  dedup_key   TEXT,
  parent_id   TEXT,
  time        INTEGER NOT NULL
);

-- One index per driving filter; the query builder picks one of them deterministically.
CREATE INDEX idx_memories_org_time         ON memories (org_id, time);
CREATE INDEX idx_memories_org_agent_time   ON memories (org_id, agent_id, time);
CREATE INDEX idx_memories_org_session_time ON memories (org_id, session_id, time);
CREATE INDEX idx_memories_org_type_time    ON memories (org_id, memory_type, time);
CREATE INDEX idx_memories_org_event_time   ON memories (org_id, event_type, time);
CREATE INDEX idx_memories_org_dedup_time   ON memories (org_id, dedup_key, time);

-- Tags as rows, with the time in the key so newest-first tag search walks the index in order
-- (no temp b-tree); `seq` points back at memories.seq.
CREATE TABLE memory_tags (
  org_id TEXT    NOT NULL,
  tag    TEXT    NOT NULL,
  time   INTEGER NOT NULL,
  seq    INTEGER NOT NULL,
  PRIMARY KEY (org_id, tag, time, seq)
) WITHOUT ROWID;

CREATE TABLE sessions (
  seq        INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL UNIQUE,
  org_id     TEXT    NOT NULL,
  agent_id   TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
  metadata   TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at  INTEGER
);

CREATE INDEX idx_sessions_org_created       ON sessions (org_id, created_at);
CREATE INDEX idx_sessions_org_agent_created ON sessions (org_id, agent_id, created_at);

CREATE TABLE agents (
  seq         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  org_id      TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  description TEXT,
  config      TEXT    NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE INDEX idx_agents_org_created ON agents (org_id, created_at);

CREATE TABLE orgs (
  seq        INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL UNIQUE,
  name       TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  seq         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  org_id      TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  key_hash    TEXT    NOT NULL UNIQUE,
  permissions TEXT    NOT NULL DEFAULT '[]',
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);

CREATE INDEX idx_api_keys_org_created ON api_keys (org_id, created_at);
