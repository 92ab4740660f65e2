-- A session id is unique within its org (two orgs may use the same id), and every session id a
-- memory names is a session: the sessions that only memories named so far are created here, as
-- a memory write creates them from now on (active, the agent and time of their first memory).
-- SQLite cannot drop a UNIQUE column constraint, so the table is rebuilt with its rows and seq.
CREATE TABLE sessions_by_org (
  seq        INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL,
  org_id     TEXT    NOT NULL,
  agent_id   TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
  metadata   TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at  INTEGER,
  UNIQUE (org_id, id)
);

INSERT INTO sessions_by_org (seq, id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at)
  SELECT seq, id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at
  FROM sessions ORDER BY seq;

DROP TABLE sessions;
ALTER TABLE sessions_by_org RENAME TO sessions;

CREATE INDEX idx_sessions_org_created       ON sessions (org_id, created_at);
CREATE INDEX idx_sessions_org_agent_created ON sessions (org_id, agent_id, created_at);

-- The first memory of each session (ties: the first inserted) gives its agent and time.
INSERT INTO sessions (id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at)
  SELECT session_id, org_id, agent_id, 'active', '{}', time, time, NULL
  FROM (
    SELECT session_id, org_id, agent_id, time, seq,
           ROW_NUMBER() OVER (PARTITION BY org_id, session_id ORDER BY time, seq) AS n
    FROM memories
    WHERE session_id IS NOT NULL
  ) AS firsts
  WHERE n = 1
    AND NOT EXISTS (
      SELECT 1 FROM sessions s WHERE s.org_id = firsts.org_id AND s.id = firsts.session_id
    )
  ORDER BY time, seq;
