import { errorFromResponse, MemtraceError } from './errors.js';
import type {
  Agent,
  AgentDeleted,
  AgentList,
  AgentStats,
  ApiKey,
  BatchResponse,
  ContextOptions,
  CreateKeyRequest,
  CreateMemoryRequest,
  CreateSessionRequest,
  DeleteAgentOptions,
  ForgetRequest,
  ForgetResponse,
  IssuedApiKey,
  KeyList,
  ListMemoriesOptions,
  ListAgentsOptions,
  ListSessionsOptions,
  Memory,
  MemoryFilters,
  MemoryHistory,
  MemoryList,
  MemoryPatch,
  MemtraceOptions,
  RegisterAgentRequest,
  ScoredMemory,
  SearchQuery,
  SearchResponse,
  Session,
  SessionContext,
  SessionList,
  UpdateSessionRequest,
} from './types.js';

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client of memtrace's REST API. Every call sends the key in `x-api-key`, acts in the key's
 * org, and throws a {@link MemtraceError} subclass on failure (status 0 for network failures
 * and timeouts).
 *
 * @example
 * const client = new Memtrace('http://localhost:9100', process.env.MEMTRACE_API_KEY!);
 * await client.remember('my_agent', 'Crawled https://example.com');
 */
export class Memtrace {
  readonly baseURL: string;
  private readonly apiKey: string;
  private readonly timeout: number;
  private readonly fetchImpl: typeof fetch;

  constructor(baseURL: string, apiKey: string, options: MemtraceOptions = {}) {
    this.baseURL = baseURL.replace(/\/+$/, '');
    this.apiKey = apiKey;
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  // ---- the Go-era shortcuts ----------------------------------------------------------------

  /** Records an episodic memory with event type `general`. */
  remember(agentId: string, content: string): Promise<Memory> {
    return this.addMemory({
      agent_id: agentId,
      content,
      memory_type: 'episodic',
      event_type: 'general',
    });
  }

  /** The agent's memories since `since` (default `24h`), newest first, up to 100. */
  async recall(agentId: string, since = '24h'): Promise<Memory[]> {
    const list = await this.listMemories({ agent_id: agentId, since, limit: 100, order: 'desc' });
    return list.memories;
  }

  /** Records a decision; the reasoning goes to `metadata.reasoning`. */
  decide(agentId: string, decision: string, reasoning: string): Promise<Memory> {
    return this.addMemory({
      agent_id: agentId,
      content: decision,
      memory_type: 'decision',
      event_type: 'decision',
      metadata: { reasoning },
    });
  }

  // ---- memories --------------------------------------------------------------------------

  /**
   * Records one memory. A duplicate within the dedup window is a ConflictError with `memoryId`.
   * With `supersedes: '<memory_id>'` it corrects that memory, which lists, search and context
   * then leave out (see {@link history}).
   */
  addMemory(memory: CreateMemoryRequest): Promise<Memory> {
    return this.request('POST', '/api/v1/memories', { body: memory });
  }

  /** Records a batch atomically and returns the stored memories (duplicates are skipped). */
  async addMemories(memories: CreateMemoryRequest[]): Promise<Memory[]> {
    return (await this.addMemoriesBatch(memories)).memories;
  }

  /** Records a batch atomically; the answer also says which items were duplicates. */
  addMemoriesBatch(memories: CreateMemoryRequest[]): Promise<BatchResponse> {
    return this.request('POST', '/api/v1/memories', { body: { memories } });
  }

  /**
   * Lists memories by filters, newest first unless `order: 'asc'`; with `q` (keyword search)
   * best match first, each with its `score`.
   */
  listMemories(options: ListMemoriesOptions = {}): Promise<MemoryList> {
    return this.request('GET', '/api/v1/memories', { query: filterQuery(options) });
  }

  /** One memory by its `memory_id`. */
  getMemory(memoryId: string): Promise<Memory> {
    return this.request('GET', `/api/v1/memories/${encodeURIComponent(memoryId)}`);
  }

  /**
   * Corrects a memory's `importance`, `tags` (replaced), `metadata` (merged; a key set to null
   * is removed), `pinned` (true clears its expiry) or `expires_at` (null removes it) and returns
   * it. Content is immutable: a correction is a new memory with `supersedes` (see
   * {@link addMemory}); sending it is a ValidationError.
   */
  updateMemory(memoryId: string, patch: MemoryPatch): Promise<Memory> {
    return this.request('PATCH', `/api/v1/memories/${encodeURIComponent(memoryId)}`, {
      body: patch,
    });
  }

  /** Every version of the correction chain the memory belongs to, oldest first. */
  async history(memoryId: string): Promise<Memory[]> {
    const path = `/api/v1/memories/${encodeURIComponent(memoryId)}/history`;
    return (await this.request<MemoryHistory>('GET', path)).memories;
  }

  /** Deletes one memory; a NotFoundError when the org has no memory with this id. */
  async deleteMemory(memoryId: string): Promise<void> {
    await this.request('DELETE', `/api/v1/memories/${encodeURIComponent(memoryId)}`);
  }

  /**
   * Deletes every memory the filters and/or `ids` match, all or none: `{deleted}`. With
   * `dry_run: true` nothing is deleted: `{would_delete, dry_run: true}`. No filter at all is a
   * ValidationError unless `all: true` (admin keys only, else a PermissionError).
   */
  forget(filter: ForgetRequest): Promise<ForgetResponse> {
    return this.request('POST', '/api/v1/memories/forget', { body: filter });
  }

  /**
   * Search (POST /api/v1/search) by filters and, with `query`, by keywords: then best match
   * first (unless `order` is `asc` or `desc`), each result with its `score`.
   */
  searchMemories(query: SearchQuery = {}): Promise<SearchResponse> {
    return this.request('POST', '/api/v1/search', { body: query });
  }

  /**
   * Every memory the filters match, a page (`limit`, default 100) at a time along `next_cursor`:
   * `for await (const m of client.iterateMemories({ agent_id: 'a' })) { ... }`. Memories written
   * or deleted meanwhile never make it skip or repeat another.
   */
  async *iterateMemories(
    filters: Omit<ListMemoriesOptions, 'cursor' | 'offset'> = {},
  ): AsyncGenerator<ScoredMemory, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.listMemories({ include_count: false, ...filters, cursor });
      yield* page.memories;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Every match of a search, page by page along `next_cursor` (see {@link iterateMemories}). */
  async *iterateSearch(
    query: Omit<SearchQuery, 'cursor' | 'offset'> = {},
  ): AsyncGenerator<ScoredMemory, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.searchMemories({ include_count: false, ...query, cursor });
      yield* page.results;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  // ---- agents ----------------------------------------------------------------------------

  registerAgent(agent: RegisterAgentRequest): Promise<Agent> {
    return this.request('POST', '/api/v1/agents', { body: agent });
  }

  listAgents(options: ListAgentsOptions = {}): Promise<AgentList> {
    return this.request('GET', '/api/v1/agents', {
      query: { ...pageQuery(options), cursor: options.cursor },
    });
  }

  /** Every registered agent, newest first, page by page along `next_cursor`. */
  async *iterateAgents(limit?: number): AsyncGenerator<Agent, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.listAgents({ limit, cursor });
      yield* page.agents;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** By registered id or by name. */
  getAgent(agentId: string): Promise<Agent> {
    return this.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}`);
  }

  getAgentStats(agentId: string): Promise<AgentStats> {
    return this.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}/stats`);
  }

  getAgentMemories(agentId: string, options: MemoryFilters = {}): Promise<MemoryList> {
    return this.request('GET', `/api/v1/agents/${encodeURIComponent(agentId)}/memories`, {
      query: filterQuery(options),
    });
  }

  /**
   * Removes the registration; its memories and sessions stay (resolves with nothing). With
   * `{ cascade: true }` its memories and sessions (with every memory in them) go too, and the
   * answer says how many: `{agent_id, name, deleted, cascade, memories_deleted, sessions_deleted}`.
   */
  deleteAgent(agentId: string, options?: { cascade?: false }): Promise<void>;
  deleteAgent(agentId: string, options: { cascade: true }): Promise<AgentDeleted>;
  deleteAgent(agentId: string, options?: DeleteAgentOptions): Promise<AgentDeleted | void>;
  async deleteAgent(
    agentId: string,
    options: DeleteAgentOptions = {},
  ): Promise<AgentDeleted | void> {
    const answer = await this.request<AgentDeleted | undefined>(
      'DELETE',
      `/api/v1/agents/${encodeURIComponent(agentId)}`,
      { query: { cascade: options.cascade === true ? true : undefined } },
    );
    return options.cascade === true ? answer : undefined;
  }

  // ---- sessions --------------------------------------------------------------------------

  createSession(session: CreateSessionRequest): Promise<Session> {
    return this.request('POST', '/api/v1/sessions', { body: session });
  }

  getSession(sessionId: string): Promise<Session> {
    return this.request('GET', `/api/v1/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** All sessions, or one agent's: `listSessions('my_agent')` or `listSessions({status})`. */
  listSessions(agentIdOrOptions?: string | ListSessionsOptions): Promise<SessionList> {
    const options =
      typeof agentIdOrOptions === 'string' ? { agent_id: agentIdOrOptions } : agentIdOrOptions;
    return this.request('GET', '/api/v1/sessions', { query: { ...options } });
  }

  /** Every session (of the agent and status given), newest first, along `next_cursor`. */
  async *iterateSessions(
    options: Omit<ListSessionsOptions, 'cursor' | 'offset'> = {},
  ): AsyncGenerator<Session, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.listSessions({ ...options, cursor });
      yield* page.sessions;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Closes or reopens a session and merges metadata. */
  updateSession(sessionId: string, update: UpdateSessionRequest): Promise<Session> {
    return this.request('PUT', `/api/v1/sessions/${encodeURIComponent(sessionId)}`, {
      body: update,
    });
  }

  /** Deletes the session and every memory in it (resolves with nothing); NotFoundError if unknown. */
  async deleteSession(sessionId: string): Promise<void> {
    await this.request('DELETE', `/api/v1/sessions/${encodeURIComponent(sessionId)}`);
  }

  closeSession(sessionId: string): Promise<Session> {
    return this.updateSession(sessionId, { status: 'closed' });
  }

  getSessionMemories(sessionId: string, options: MemoryFilters = {}): Promise<MemoryList> {
    return this.request('GET', `/api/v1/sessions/${encodeURIComponent(sessionId)}/memories`, {
      query: filterQuery(options),
    });
  }

  /**
   * The session's LLM-ready context (`.context`) within an optional token budget, counted by
   * `tokenizer` (`o200k_base` or `cl100k_base`): markdown by default, or by `format` JSON
   * sections or chat messages; `.tokens` is the exact count, `.truncated` whether a memory was
   * left out or cut. `query` (keywords, as in search) ranks the memories matching it first
   * within `max_tokens`, after pinned ones; it filters nothing out.
   */
  getSessionContext(sessionId: string, options: ContextOptions = {}): Promise<SessionContext> {
    return this.request('POST', `/api/v1/sessions/${encodeURIComponent(sessionId)}/context`, {
      body: options,
    });
  }

  // ---- keys (admin) ----------------------------------------------------------------------

  /** Creates a key of the caller's org; `api_key` is shown only in this answer. */
  createKey(key: CreateKeyRequest): Promise<IssuedApiKey> {
    return this.request('POST', '/api/v1/keys', { body: key });
  }

  async listKeys(): Promise<ApiKey[]> {
    return (await this.request<KeyList>('GET', '/api/v1/keys')).keys;
  }

  /** Revokes a key; it stops working on the next request. */
  async revokeKey(keyId: string): Promise<void> {
    await this.request('DELETE', `/api/v1/keys/${encodeURIComponent(keyId)}`);
  }

  // ---- transport -------------------------------------------------------------------------

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    { body, query }: { body?: unknown; query?: Query } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { 'x-api-key': this.apiKey };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeout);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.baseURL + path + queryString(query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (e) {
      throw controller.signal.aborted
        ? new MemtraceError(`request timed out after ${this.timeout} ms`, 0)
        : new MemtraceError(`request failed: ${e instanceof Error ? e.message : String(e)}`, 0);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw errorFromResponse(response.status, text);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MemtraceError(
        `invalid JSON in the response: ${text.slice(0, 200)}`,
        response.status,
      );
    }
  }
}

/** The list filters as query parameters; `limit` and `offset` only when > 0 (as before). */
function filterQuery(options: ListMemoriesOptions): Query {
  const { limit, offset, ...rest } = options;
  return { ...rest, ...pageQuery({ limit, offset }) };
}

function pageQuery(options: { limit?: number | undefined; offset?: number | undefined }): Query {
  return {
    limit: options.limit !== undefined && options.limit > 0 ? options.limit : undefined,
    offset: options.offset !== undefined && options.offset > 0 ? options.offset : undefined,
  };
}

function queryString(query: Query | undefined): string {
  // encodeURIComponent rather than URLSearchParams: spaces as %20, never '+'.
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (Array.isArray(value) && value.length === 0) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
