/**
 * What the MCP tools need from memtrace, in the REST API's wire shapes (snake_case). The
 * TypeScript SDK's `Memtrace` client satisfies it as it is (stdio: a client of a running
 * server); `domainBackend` provides one over the domain services for `/mcp`.
 */
export interface MemtraceBackend {
  addMemory(memory: McpMemoryInput): Promise<unknown>;
  listMemories(options: McpRecallInput): Promise<unknown>;
  searchMemories(query: McpSearchInput): Promise<unknown>;
  createSession(session: {
    agent_id: string;
    metadata?: Record<string, unknown>;
  }): Promise<unknown>;
  /** Resolves with at least the `context`: markdown, or for `format` json/messages a JSON value. */
  getSessionContext(sessionId: string, options: McpContextInput): Promise<{ context: unknown }>;
  registerAgent(agent: { name: string; description?: string }): Promise<unknown>;
  closeSession(sessionId: string): Promise<unknown>;
  getAgentStats(agentId: string): Promise<unknown>;
  /** Answers `{deleted}`, or for a dry run `{would_delete, dry_run: true}`. */
  forget(filter: McpForgetInput): Promise<unknown>;
}

/** The memory types the API knows. */
export const MEMORY_TYPES = ['episodic', 'decision', 'entity', 'session'] as const;
export type MemoryTypeName = (typeof MEMORY_TYPES)[number];

export interface McpMemoryInput {
  agent_id: string;
  content: string;
  memory_type?: MemoryTypeName;
  event_type?: string;
  session_id?: string;
  tags?: string[];
  importance?: number;
  metadata?: Record<string, unknown>;
  /** When it happened (ISO 8601); default now. */
  time?: string;
  ttl?: string;
  expires_at?: string;
  pinned?: boolean;
  /** A current memory this one corrects: it is retired from recall, search and context. */
  supersedes?: string;
}

export interface McpRecallInput {
  agent_id: string;
  since?: string;
  session_id?: string;
  memory_type?: string;
  limit?: number;
  /** The `next_cursor` of the previous answer, for the page after it. */
  cursor?: string;
  order?: 'asc' | 'desc';
}

export interface McpSearchInput {
  /** Keyword search: ranked by relevance, each result with its `score`. */
  query?: string;
  agent_id?: string;
  content_contains?: string;
  /** true: `content_contains` matches regardless of case. */
  content_contains_ignore_case?: boolean;
  memory_types?: MemoryTypeName[];
  tags?: string[];
  since?: string;
  min_importance?: number;
  limit?: number;
  /** The `next_cursor` of the previous answer, for the page after it. */
  cursor?: string;
  /** `relevance` only with a `query`. */
  order?: 'asc' | 'desc' | 'relevance';
}

/** The body of POST /api/v1/memories/forget: search's filters and/or ids, every one must hold. */
export interface McpForgetInput {
  agent_id?: string;
  session_id?: string;
  memory_types?: MemoryTypeName[];
  event_types?: string[];
  tags?: string[];
  since?: string;
  until?: string;
  /** Keyword search, as search reads it. */
  query?: string;
  ids?: string[];
  dry_run?: boolean;
  all?: boolean;
}

export interface McpContextInput {
  since?: string;
  include_types?: MemoryTypeName[];
  max_tokens?: number;
  tokenizer?: 'o200k_base' | 'cl100k_base';
  format?: 'markdown' | 'json' | 'messages';
  /** Keyword search that ranks matching memories first within max_tokens (filters nothing). */
  query?: string;
}
