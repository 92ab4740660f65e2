import type { SessionUpdateInput } from '../../../domain/index.js';
import { OptionalObject, OptionalString } from './field-decorators.js';

/** The body of PUT /api/v1/sessions/:id: metadata is merged, a key set to null is removed. */
export class UpdateSessionRequest {
  @OptionalString() status?: string;
  @OptionalObject() metadata?: Record<string, unknown>;
}

export const toSessionUpdate = (dto: UpdateSessionRequest): SessionUpdateInput => ({
  status: dto.status,
  metadata: dto.metadata,
});
