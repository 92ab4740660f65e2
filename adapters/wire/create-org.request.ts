import { MAX_NAME_LENGTH } from '../../domain/index.js';
import { RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/orgs. */
export class CreateOrgRequest {
  @RequiredString({ description: 'Unique.', maxLength: MAX_NAME_LENGTH, example: 'acme' })
  name!: string;
}
