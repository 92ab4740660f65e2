import { OptionalString } from './field-decorators.js';

/** The body of PUT /api/v1/orgs/{id}/retention. */
export class PutRetentionRequest {
  @OptionalString({
    description:
      "How long the org's memories live when they have no expiry of their own and are not " +
      'pinned: `30m`, `12h`, `30d`, `1w`. null (or absent) removes it: the server default ' +
      '(MEMTRACE_DEFAULT_RETENTION) applies again.',
    pattern: '^\\d{1,9}[mhdw]$',
    example: '30d',
  })
  retention?: string;
}
