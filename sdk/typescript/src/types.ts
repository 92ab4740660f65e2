/**
 * The wire shapes of memtrace's REST API (snake_case, as sent and received). Times are ISO 8601
 * UTC strings; `since`/`until` also take `30m`, `2h`, `7d`, `1w`.
 */

export type MemoryType = 'episodic' | 'decision' | 'entity' | 'session';
export type Permission = 'read' | 'write' | 'admin';
export type Order = 'asc' | 'desc';
export type JsonObject = Record<string, unknown>;

/** A stored memory: every field is present, absent ones are null. */
export interface Memory {
  memory_id: string;
  time: string;
  org_id: string;
  agent_id: string;
  session_id: string | null;
  content: string;
  memory_type: string;
  event_type: string;
  metadata: JsonObject;
  tags: string[];
  importance: number;
  dedup_key: string | null;
  parent_id: string | null;
}

/** POST /api/v1/memories (one memory, or an item of a batch). */
export interface CreateMemoryRequest {
  agent_id: string;
  content: string;
  /** `episodic` (default), `decision`, `entity` or `session`. */
  memory_type?: MemoryType | string;
  /** Default `general`. */
  event_type?: string;
  session_id?: string;
  metadata?: JsonObject;
  tags?: string[];
  /** 0..1, default 0. */
  importance?: number;
  dedup_key?: string;
  parent_id?: string;
}

/** The answer to a batch write: duplicates are skipped and reported by index. */
export interface BatchResponse {
  memories: Memory[];
  count: number;
  duplicates: number;
  duplicate_of: { index: number; memory_id: string }[];
}

/** Filters of the memory list endpoints (query parameters). */
export interface MemoryFilters {
  memory_type?: string | string[];
  event_type?: string | string[];
  tags?: string[];
  content_contains?: string;
  min_importance?: number;
  since?: string;
  until?: string;
  /** 1..1000, default 100. */
  limit?: number;
  offset?: number;
  order?: Order;
}

/** GET /api/v1/memories. */
export interface ListMemoriesOptions extends MemoryFilters {
  agent_id?: string;
  session_id?: string;
}

export interface MemoryList {
  memories: Memory[];
  count: number;
  has_more: boolean;
}

/** POST /api/v1/search: every filter is optional. */
export interface SearchQuery {
  agent_id?: string;
  session_id?: string;
  memory_types?: string[];
  event_types?: string[];
  tags?: string[];
  content_contains?: string;
  min_importance?: number;
  since?: string;
  until?: string;
  order?: Order;
  limit?: number;
  offset?: number;
}

export interface SearchResponse {
  results: Memory[];
  count: number;
  has_more: boolean;
  query_time_ms: number;
}

export interface Agent {
  agent_id: string;
  name: string;
  description: string | null;
  config: JsonObject | null;
  created_at: string;
}

/** POST /api/v1/agents. */
export interface RegisterAgentRequest {
  name: string;
  description?: string;
  config?: JsonObject;
}

export interface AgentList {
  agents: Agent[];
  count: number;
  has_more: boolean;
}

export interface AgentStats {
  agent_id: string;
  memory_count: number;
  memories_24h: number;
  errors_24h: number;
  session_count: number;
  active_sessions: number;
  memory_types: Record<string, number>;
}

export interface Session {
  session_id: string;
  agent_id: string;
  status: 'active' | 'closed' | string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  metadata: JsonObject;
}

/** POST /api/v1/sessions. */
export interface CreateSessionRequest {
  agent_id: string;
  metadata?: JsonObject;
}

/** PUT /api/v1/sessions/:id: metadata is merged key by key; a key set to null is removed. */
export interface UpdateSessionRequest {
  status?: 'active' | 'closed';
  metadata?: JsonObject;
}

/** GET /api/v1/sessions. */
export interface ListSessionsOptions {
  agent_id?: string;
  status?: 'active' | 'closed';
  limit?: number;
  offset?: number;
}

export interface SessionList {
  sessions: Session[];
  count: number;
  has_more: boolean;
}

/** POST /api/v1/sessions/:id/context. */
export interface ContextOptions {
  since?: string;
  until?: string;
  include_types?: string[];
  exclude_types?: string[];
  max_tokens?: number;
  order?: Order;
}

export interface SessionContext {
  session_id: string;
  /** Markdown, ready for a prompt. */
  context: string;
  memory_count: number;
  omitted_count: number;
  estimated_tokens: number;
}

/** A key as listed: never its secret. */
export interface ApiKey {
  key_id: string;
  name: string;
  permissions: Permission[];
  created_at: string;
}

/** A key just created: the only time `api_key` is shown. */
export interface IssuedApiKey extends ApiKey {
  api_key: string;
}

/** POST /api/v1/keys; permissions default to read and write. */
export interface CreateKeyRequest {
  name: string;
  permissions?: Permission[];
}

export interface KeyList {
  keys: ApiKey[];
  count: number;
}

export interface MemtraceOptions {
  /** Milliseconds before a request is aborted; default 30000. */
  timeout?: number;
  /** The fetch to use; default the global fetch. */
  fetch?: typeof fetch;
}
