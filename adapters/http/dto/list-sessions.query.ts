import type { SessionListInput } from '../../../domain/index.js';
import { QueryString } from './field-decorators.js';
import { PageQuery } from './page.query.js';

/** GET /api/v1/sessions. */
export class ListSessionsQuery extends PageQuery {
  @QueryString() agent_id?: string;
  @QueryString() status?: string;
}

export const toSessionListInput = (q: ListSessionsQuery): SessionListInput => ({
  agentId: q.agent_id,
  status: q.status,
  limit: q.limit,
  offset: q.offset,
});
