import { ConflictError, type Memtrace, type ScoredMemory } from '@basekick-labs/memtrace-sdk';
import type {
  Nullable,
  RecallInput,
  RememberInput,
  SearchInput,
  SessionContextInput,
} from './schemas.js';

/** Whose memories the tools write and read. */
export interface MemtraceToolsOptions {
  /** The agent the memories are recorded for; recall and search read only its memories. */
  agentId: string;
  /**
   * The session new memories belong to (created with the first one if the org has no such
   * session yet), and the one sessionContext reads. Without it sessionContext fails, saying why.
   */
  sessionId?: string;
  /** How many memories recall and search return when the model asks for no limit; default 10. */
  limit?: number;
}

/** A memory as the tools show it to a model: what it says, and what to cite it by. */
export interface MemoryView {
  memory_id: string;
  content: string;
  memory_type: string;
  event_type: string;
  /** When it happened (ISO 8601 UTC). */
  time: string;
  session_id: string | null;
  tags: string[];
  importance: number;
  /** Only from search: the relevance, higher is better. */
  score?: number;
}

export type RememberResult =
  | { stored: true; memory: MemoryView }
  /** The same memory was already recorded within the server's dedup window. */
  | { stored: false; duplicate_of: string | null };

export interface SessionContextResult {
  session_id: string;
  /** The session's memories as markdown, grouped by kind. */
  context: string;
  /** Its exact token count. */
  tokens: number;
  memory_count: number;
  /** Whether a memory was left out or cut to fit `max_tokens`. */
  truncated: boolean;
}

/** The four operations, input as the tools' schemas give it (null and absent alike). */
export interface MemtraceOperations {
  remember(input: Nullable<RememberInput>): Promise<RememberResult>;
  recall(input: Nullable<RecallInput>): Promise<{ memories: MemoryView[] }>;
  search(input: Nullable<SearchInput>): Promise<{ results: MemoryView[] }>;
  sessionContext(input: Nullable<SessionContextInput>): Promise<SessionContextResult>;
}

/** What each tool does, for the model: the tools' descriptions. */
export const toolDescriptions = {
  remember:
    'Save one memory (an event, a decision, a fact) to long-term memory, so that later turns and later conversations can recall it.',
  recall: 'List your recent memories, newest first, optionally of one type or with given tags.',
  search:
    'Find your memories by keywords, best match first. All words must appear; use OR between alternatives and prefix* for word starts.',
  sessionContext:
    'Get this conversation session’s memories as a markdown summary (decisions, actions, facts), optionally within a token budget.',
} as const;

/** The operations on `client`, for the agent and session of `options`. */
export function memtraceOperations(
  client: Memtrace,
  options: MemtraceToolsOptions,
): MemtraceOperations {
  const { agentId, sessionId } = options;
  const defaultLimit = options.limit ?? 10;
  return {
    async remember(input) {
      const { content, memory_type, importance, tags } = present(input);
      try {
        const memory = await client.addMemory({
          agent_id: agentId,
          ...(sessionId === undefined ? {} : { session_id: sessionId }),
          content,
          ...(memory_type === undefined ? {} : { memory_type }),
          ...(importance === undefined ? {} : { importance }),
          ...(tags === undefined ? {} : { tags }),
        });
        return { stored: true, memory: view(memory) };
      } catch (e) {
        if (e instanceof ConflictError) return { stored: false, duplicate_of: e.memoryId ?? null };
        throw e;
      }
    },
    async recall(input) {
      const { since, memory_type, tags, limit } = present(input);
      const list = await client.listMemories({
        agent_id: agentId,
        since: since ?? '24h',
        memory_type,
        tags,
        limit: limit ?? defaultLimit,
        order: 'desc',
        include_count: false,
      });
      return { memories: list.memories.map(view) };
    },
    async search(input) {
      const { query, memory_type, since, limit } = present(input);
      const found = await client.searchMemories({
        agent_id: agentId,
        query,
        ...(memory_type === undefined ? {} : { memory_types: [memory_type] }),
        ...(since === undefined ? {} : { since }),
        limit: limit ?? defaultLimit,
        include_count: false,
      });
      return { results: found.results.map(view) };
    },
    async sessionContext(input) {
      if (sessionId === undefined) {
        throw new Error('sessionContext needs a session: create the tools with a sessionId');
      }
      const { max_tokens, query, since } = present(input);
      const answer = await client.getSessionContext(sessionId, {
        ...(max_tokens === undefined ? {} : { max_tokens }),
        ...(query === undefined ? {} : { query }),
        ...(since === undefined ? {} : { since }),
      });
      return {
        session_id: answer.session_id,
        context:
          typeof answer.context === 'string' ? answer.context : JSON.stringify(answer.context),
        tokens: answer.tokens,
        memory_count: answer.memory_count,
        truncated: answer.truncated,
      };
    },
  };
}

/** The input with its null fields left out (strict tool calling sends null for "none"). */
function present<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as never;
}

function view(memory: ScoredMemory): MemoryView {
  return {
    memory_id: memory.memory_id,
    content: memory.content,
    memory_type: memory.memory_type,
    event_type: memory.event_type,
    time: memory.time,
    session_id: memory.session_id,
    tags: memory.tags,
    importance: memory.importance,
    ...(typeof memory.score === 'number' ? { score: memory.score } : {}),
  };
}
