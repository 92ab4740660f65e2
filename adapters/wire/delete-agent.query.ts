import { QueryBoolean } from './field-decorators.js';

/** DELETE /api/v1/agents/{id}. */
export class DeleteAgentQuery {
  @QueryBoolean({
    description:
      "`true` deletes the agent's memories and sessions with its registration (200 with the " +
      'counts); `false` (the default) keeps them (204, header `Memtrace-Kept: memories, ' +
      'sessions`). Any other value is a 400.',
    default: false,
    example: false,
  })
  cascade?: boolean;
}
