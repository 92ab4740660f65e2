import { MAX_NAME_LENGTH, PERMISSIONS } from '../../domain/index.js';
import { OptionalStringArray, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/keys; permissions default to read and write. */
export class CreateKeyRequest {
  @RequiredString({ maxLength: MAX_NAME_LENGTH, example: 'dashboard' })
  name!: string;
  @OptionalStringArray({
    items: { type: 'string', enum: PERMISSIONS },
    default: ['read', 'write'],
    example: ['read'],
  })
  permissions?: string[];
}
