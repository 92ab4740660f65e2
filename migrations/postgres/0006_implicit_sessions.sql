-- A session id is unique within its org (two orgs may use the same id), and every session id a
-- memory names is a session: the sessions that only memories named so far are created here, as
-- a memory write creates them from now on (active, the agent and time of their first memory).
ALTER TABLE sessions DROP CONSTRAINT sessions_id_key;
ALTER TABLE sessions ADD CONSTRAINT sessions_org_id_id_key UNIQUE (org_id, id);

INSERT INTO sessions (id, org_id, agent_id, status, metadata, created_at, updated_at, closed_at)
  SELECT session_id, org_id, agent_id, 'active', '{}', time, time, NULL
  FROM (
    SELECT DISTINCT ON (org_id, session_id) session_id, org_id, agent_id, time, seq
    FROM memories
    WHERE session_id IS NOT NULL
    ORDER BY org_id, session_id, time, seq
  ) AS firsts
  WHERE NOT EXISTS (
    SELECT 1 FROM sessions s WHERE s.org_id = firsts.org_id AND s.id = firsts.session_id
  )
  ORDER BY time, seq;
