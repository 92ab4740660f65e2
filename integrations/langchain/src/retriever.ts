import type { Memtrace, ScoredMemory, SearchQuery } from '@basekick-labs/memtrace-sdk';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';

/** Search's filters other than the query, the page and whose memories. */
export type MemtraceSearchFilter = Omit<
  SearchQuery,
  'query' | 'limit' | 'offset' | 'cursor' | 'order' | 'agent_id' | 'session_id' | 'include_count'
>;

export interface MemtraceRetrieverInput extends BaseRetrieverInput {
  client: Memtrace;
  /** Only this agent's memories; default every agent of the key's org. */
  agentId?: string;
  /** Only this session's memories. */
  sessionId?: string;
  /** How many documents at most; default 4. */
  k?: number;
  /** More of search's filters: `memory_types`, `tags`, `since`, `min_importance`, ... */
  filter?: MemtraceSearchFilter;
}

/** What a document's metadata holds of its memory. */
export interface MemoryDocumentMetadata {
  memory_id: string;
  /** The keyword search's relevance, higher is better. */
  score: number | null;
  agent_id: string;
  session_id: string | null;
  memory_type: string;
  event_type: string;
  tags: string[];
  importance: number;
  time: string;
  /** The memory's own metadata. */
  metadata: Record<string, unknown>;
}

/**
 * A retriever over memtrace's keyword search (`POST /api/v1/search` with `query`): the memories
 * matching the query, best match first, as Documents whose `pageContent` is the memory's content
 * and whose metadata carries its `score`, `memory_id` and the rest (see
 * {@link MemoryDocumentMetadata}).
 */
export class MemtraceRetriever extends BaseRetriever<MemoryDocumentMetadata> {
  override lc_namespace = ['memtrace', 'retrievers'];

  static override lc_name(): string {
    return 'MemtraceRetriever';
  }

  private readonly client: Memtrace;
  private readonly agentId: string | undefined;
  private readonly sessionId: string | undefined;
  private readonly k: number;
  private readonly filter: MemtraceSearchFilter;

  constructor(fields: MemtraceRetrieverInput) {
    const { client, agentId, sessionId, k, filter, ...base } = fields;
    super(base);
    this.client = client;
    this.agentId = agentId;
    this.sessionId = sessionId;
    this.k = k ?? 4;
    this.filter = filter ?? {};
  }

  override async _getRelevantDocuments(query: string): Promise<Document<MemoryDocumentMetadata>[]> {
    const { results } = await this.client.searchMemories({
      ...this.filter,
      ...(this.agentId === undefined ? {} : { agent_id: this.agentId }),
      ...(this.sessionId === undefined ? {} : { session_id: this.sessionId }),
      query,
      limit: this.k,
      include_count: false,
    });
    return results.map(toDocument);
  }
}

function toDocument(memory: ScoredMemory): Document<MemoryDocumentMetadata> {
  return new Document({
    id: memory.memory_id,
    pageContent: memory.content,
    metadata: {
      memory_id: memory.memory_id,
      score: memory.score ?? null,
      agent_id: memory.agent_id,
      session_id: memory.session_id,
      memory_type: memory.memory_type,
      event_type: memory.event_type,
      tags: memory.tags,
      importance: memory.importance,
      time: memory.time,
      metadata: memory.metadata,
    },
  });
}
