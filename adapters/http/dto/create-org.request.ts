import { RequiredString } from './field-decorators.js';

/** The body of POST /api/v1/orgs. */
export class CreateOrgRequest {
  @RequiredString() name!: string;
}
