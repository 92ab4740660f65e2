import { SESSION_STATUSES, type SessionUpdateInput } from '../../domain/index.js';
import { METADATA_LIMIT_TEXT } from './create-memory.request.js';
import { OptionalObject, OptionalString } from './field-decorators.js';

/** The body of PUT /api/v1/sessions/:id: metadata is merged, a key set to null is removed. */
export class UpdateSessionRequest {
  @OptionalString({
    description: '`closed` sets `closed_at`; `active` reopens and clears it.',
    enum: SESSION_STATUSES,
    example: 'closed',
  })
  status?: string;
  @OptionalObject({
    description:
      'Merged key by key into the stored metadata; a key set to null is removed. The merged ' +
      `metadata too: ${METADATA_LIMIT_TEXT}`,
    example: { outcome: 'done', draft: null },
  })
  metadata?: Record<string, unknown>;
}

export const toSessionUpdate = (dto: UpdateSessionRequest): SessionUpdateInput => ({
  status: dto.status,
  metadata: dto.metadata,
});
