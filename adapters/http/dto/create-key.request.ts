import { OptionalStringArray, RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/keys; permissions default to read and write. */
export class CreateKeyRequest {
  @RequiredString() name!: string;
  @OptionalStringArray() permissions?: string[];
}
