import {
  ARC_DATABASE_PATTERN,
  ARC_MEASUREMENT_PATTERN,
  DEFAULT_ARC_MEASUREMENT,
  MAX_ARC_API_KEY_LENGTH,
  MAX_ARC_MEASUREMENT_LENGTH,
  MAX_ARC_URL_LENGTH,
} from '../../domain/index.js';
import { OptionalString, RequiredString } from './field-decorators.js';

/**
 * The body of PUT /api/v1/orgs/{id}/arc. The rules (URL form, name patterns) are the domain's;
 * a breach is a 400 naming the field.
 */
export class PutArcInstanceRequest {
  @RequiredString({
    description: 'Base URL of the Arc instance: http(s), a host, an optional port and path.',
    maxLength: MAX_ARC_URL_LENGTH,
    pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
    example: 'https://arc.acme.internal:8000',
  })
  url!: string;
  @RequiredString({
    description: "The Arc database the org's memories go to.",
    pattern: ARC_DATABASE_PATTERN.source,
    example: 'acme',
  })
  database!: string;
  @OptionalString({
    description: 'The measurement memories are written to and read from.',
    pattern: ARC_MEASUREMENT_PATTERN.source,
    maxLength: MAX_ARC_MEASUREMENT_LENGTH,
    default: DEFAULT_ARC_MEASUREMENT,
    example: DEFAULT_ARC_MEASUREMENT,
  })
  measurement?: string;
  @OptionalString({
    description:
      "The instance's API key, when it needs one. Stored encrypted (AES-256-GCM under " +
      'MEMTRACE_MASTER_KEY) and never returned.',
    minLength: 1,
    maxLength: MAX_ARC_API_KEY_LENGTH,
    pattern: '^[\\x21-\\x7e]+$',
    writeOnly: true,
    example: 'arc_token_value',
  })
  api_key?: string;
}
