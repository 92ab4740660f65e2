import type { DrivingIndex } from '../memory-driving-index.js';

/**
 * The SQL index of each driving index; `tag` walks the primary key of the WITHOUT ROWID
 * `memory_tags`, `id` the index of the UNIQUE constraint on `memories.id` (its only one, so
 * SQLite names it `sqlite_autoindex_memories_1`).
 */
export const DRIVING_INDEX_NAME: Readonly<Record<DrivingIndex, string>> = {
  id: 'sqlite_autoindex_memories_1',
  session: 'idx_memories_org_session_time',
  tag: 'memory_tags PRIMARY KEY',
  agent: 'idx_memories_org_agent_time',
  memory_type: 'idx_memories_org_type_time',
  event_type: 'idx_memories_org_event_time',
  org: 'idx_memories_org_time',
};
