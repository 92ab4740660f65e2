import type { components } from './schema.js';

/**
 * The wire shapes of memtrace's REST API (snake_case, as sent and received): bodies are the
 * types generated from docs/openapi.json (`npm run sdk:types`); query options are written here
 * because the SDK takes lists as arrays. Times are ISO 8601 UTC strings; `since`/`until` also
 * take `30m`, `2h`, `7d`, `1w`.
 */

export type MemoryType = 'episodic' | 'decision' | 'entity' | 'session';
export type Permission = 'read' | 'write' | 'admin';
export type Order = 'asc' | 'desc';
/** A memory list's order: by time, or with a keyword search (`q`, `query`) by relevance. */
export type ListOrder = Order | 'relevance';
export type JsonObject = Record<string, unknown>;

type Schemas = components['schemas'];

/** A stored memory: every field is present, absent ones are null. */
export type Memory = Schemas['MemoryResponse'];
/** POST /api/v1/memories (one memory, or an item of a batch). */
export type CreateMemoryRequest = Schemas['CreateMemoryRequest'];
/** The answer to a batch write: duplicates are skipped and reported by index. */
export type BatchResponse = Schemas['BatchResponse'];
/** A memory of a list or search: with a keyword search, also its `score` (higher is better). */
export type ScoredMemory = Schemas['ScoredMemoryResponse'];
export type MemoryList = Schemas['MemoryListResponse'];
/**
 * PATCH /api/v1/memories/:id: `importance`, `tags` (replaced), `metadata` (merged; null
 * removes a key), `pinned` (true clears the expiry), `expires_at` (null removes it).
 */
export type MemoryPatch = Schemas['UpdateMemoryRequest'];
/** GET /api/v1/memories/:id/history: the chain oldest first. */
export type MemoryHistory = Schemas['HistoryResponse'];
/**
 * POST /api/v1/search: every filter is optional. `query` is a keyword search (words that must
 * all match, `"a phrase"`, `prefix*`, `OR`): results best match first, each with its `score`.
 */
export type SearchQuery = Schemas['SearchMemoriesRequest'];
export type SearchResponse = Schemas['SearchResponse'];
/**
 * POST /api/v1/memories/forget: search's filters and/or `ids` (every given one must hold);
 * `dry_run` only counts; no filter at all needs `all: true` and an admin key.
 */
export type ForgetRequest = Schemas['ForgetMemoriesRequest'];
/** `{deleted}`, or for a dry run `{would_delete, dry_run: true}`. */
export type ForgetResponse = Schemas['ForgetResponse'] | Schemas['ForgetDryRunResponse'];
export type Agent = Schemas['AgentResponse'];
/** POST /api/v1/agents. */
export type RegisterAgentRequest = Schemas['CreateAgentRequest'];
export type AgentList = Schemas['AgentListResponse'];
export type AgentStats = Schemas['AgentStatsResponse'];
/** DELETE /api/v1/agents/:id?cascade=true: what went with the registration. */
export type AgentDeleted = Schemas['AgentDeletedResponse'];
export type Session = Schemas['SessionResponse'];
/** POST /api/v1/sessions. */
export type CreateSessionRequest = Schemas['CreateSessionRequest'];
/** PUT /api/v1/sessions/:id: metadata is merged key by key; a key set to null is removed. */
export type UpdateSessionRequest = Schemas['UpdateSessionRequest'];
export type SessionList = Schemas['SessionListResponse'];
/** POST /api/v1/sessions/:id/context. */
export type ContextOptions = Schemas['SessionContextRequest'];
export type SessionContext = Schemas['ContextResponse'];
/** A key as listed: never its secret. */
export type ApiKey = Schemas['KeyResponse'];
/** A key just created: the only time `api_key` is shown. */
export type IssuedApiKey = Schemas['IssuedKeyResponse'];
/** POST /api/v1/keys; permissions default to read and write. */
export type CreateKeyRequest = Schemas['CreateKeyRequest'];
export type KeyList = Schemas['KeyListResponse'];
/** Every error body: `{"error": code, "message": text, "request_id": id}` plus extras. */
export type ErrorBody = Schemas['ErrorResponse'];

/** Filters of the memory list endpoints (query parameters); lists go comma-separated. */
export interface MemoryFilters {
  memory_type?: string | string[];
  event_type?: string | string[];
  /** All of them must match. */
  tags?: string[];
  /** Literal substring of the content; case-sensitive unless `content_contains_ignore_case`. */
  content_contains?: string;
  /**
   * Keyword search, as `query` of search: matches come best first (unless `order` is `asc` or
   * `desc`), each with its `score`.
   */
  q?: string;
  /** true: `content_contains` matches regardless of case. */
  content_contains_ignore_case?: boolean;
  min_importance?: number;
  since?: string;
  until?: string;
  /** 1..1000, default 100; sent only when > 0. */
  limit?: number;
  /** Sent only when > 0; never with `cursor`. */
  offset?: number;
  /** The `next_cursor` of the previous page (same filters and order). */
  cursor?: string;
  /** `desc` (default without `q`), `asc`, or with `q` `relevance` (its default). */
  order?: ListOrder;
  /** false: `count` comes back null (no count of every match); `has_more` stays exact. */
  include_count?: boolean;
  /** true: memories another one supersedes are listed too. */
  include_superseded?: boolean;
}

/** GET /api/v1/memories. */
export interface ListMemoriesOptions extends MemoryFilters {
  agent_id?: string;
  session_id?: string;
}

/** GET /api/v1/sessions. */
export interface ListSessionsOptions {
  agent_id?: string;
  status?: 'active' | 'closed';
  limit?: number;
  offset?: number;
  /** The `next_cursor` of the previous page (same agent and status). */
  cursor?: string;
}

/** GET /api/v1/agents. */
export interface ListAgentsOptions {
  limit?: number;
  offset?: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}

/** DELETE /api/v1/agents/:id. */
export interface DeleteAgentOptions {
  /** true: the agent's memories and sessions are deleted with it; default false (they stay). */
  cascade?: boolean;
}

export interface MemtraceOptions {
  /** Milliseconds before a request is aborted; default 30000. */
  timeout?: number;
  /** The fetch to use; default the global fetch. */
  fetch?: typeof fetch;
}
