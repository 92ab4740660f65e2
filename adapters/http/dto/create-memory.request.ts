import { MAX_BATCH_SIZE, type NewMemory } from '../../../domain/index.js';
import {
  NestedArray,
  OptionalNumber,
  OptionalObject,
  OptionalString,
  OptionalStringArray,
  RequiredString,
} from './field-decorators.js';

/** One memory as POST /api/v1/memories takes it (also an item of a batch). */
export class CreateMemoryRequest {
  @RequiredString() agent_id!: string;
  @RequiredString() content!: string;
  @OptionalString() memory_type?: string;
  @OptionalString() event_type?: string;
  @OptionalString() session_id?: string;
  @OptionalObject() metadata?: Record<string, unknown>;
  @OptionalStringArray() tags?: string[];
  @OptionalNumber() importance?: number;
  @OptionalString() dedup_key?: string;
  @OptionalString() parent_id?: string;
}

/** A batch: `{"memories": [...]}` and nothing else at the top level. */
export class CreateMemoryBatchRequest {
  @NestedArray(
    () => CreateMemoryRequest,
    MAX_BATCH_SIZE,
    `must contain at most ${MAX_BATCH_SIZE} memories per request`,
  )
  memories!: CreateMemoryRequest[];
}

export function toNewMemory(dto: CreateMemoryRequest): NewMemory {
  return {
    agentId: dto.agent_id,
    content: dto.content,
    memoryType: dto.memory_type ?? null,
    eventType: dto.event_type ?? null,
    sessionId: dto.session_id ?? null,
    metadata: dto.metadata ?? null,
    tags: dto.tags ?? null,
    importance: dto.importance ?? null,
    dedupKey: dto.dedup_key ?? null,
    parentId: dto.parent_id ?? null,
  };
}
