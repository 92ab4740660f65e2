import { MAX_TAGS, TAG_PATTERN } from '../../domain/index.js';
import { METADATA_LIMIT_TEXT } from './create-memory.request.js';
import {
  OptionalBoolean,
  OptionalNumber,
  OptionalObject,
  OptionalString,
  OptionalStringArray,
} from './field-decorators.js';

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
  @OptionalBoolean({
    description:
      "true: never expires (its own expiry is cleared, the org's retention does not apply); " +
      'false: the expiry rules apply again. `pinned: true` with a non-null `expires_at` is a 400.',
  })
  pinned?: boolean;
  @OptionalString({
    type: ['string', 'null'],
    description:
      'Its own expiry (ISO 8601, in the future; 400 otherwise), or null to remove it (the ' +
      "org's retention applies again). On a pinned memory only with `pinned: false` (400 " +
      'otherwise). An expired memory cannot be patched (404). Example: `2030-01-01T00:00:00Z`.',
  })
  expires_at?: string | null;
}
