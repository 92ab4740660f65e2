import { MAX_TAGS, TAG_PATTERN } from '../../domain/index.js';
import { METADATA_LIMIT_TEXT } from './create-memory.request.js';
import { OptionalNumber, OptionalObject, OptionalStringArray } from './field-decorators.js';

/**
 * The body of PATCH /api/v1/memories/:id: the mutable fields of a memory. Content, agent, types
 * and session are immutable: a correction of them is a new memory with `supersedes`.
 */
export class UpdateMemoryRequest {
  @OptionalNumber({ minimum: 0, maximum: 1, example: 0.9 })
  importance?: number;
  @OptionalStringArray({
    description: 'Replaces the tags; repeats are dropped.',
    items: { type: 'string', pattern: TAG_PATTERN.source },
    maxItems: MAX_TAGS,
    example: ['crawling', 'products', 'verified'],
  })
  tags?: string[];
  @OptionalObject({
    description:
      'Merged key by key into the stored metadata; a key set to null is removed. The merged ' +
      `metadata too: ${METADATA_LIMIT_TEXT}`,
    example: { reviewed: true, draft: null },
  })
  metadata?: Record<string, unknown>;
}
