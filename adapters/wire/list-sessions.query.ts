import { SESSION_STATUSES, type SessionListInput } from '../../domain/index.js';
import { QueryString } from './field-decorators.js';
import { PageQuery } from './page.query.js';

/** GET /api/v1/sessions. */
export class ListSessionsQuery extends PageQuery {
  @QueryString({ example: 'agent_web_crawler' }) agent_id?: string;
  @QueryString({ enum: SESSION_STATUSES, example: 'active' }) status?: string;
}

export const toSessionListInput = (q: ListSessionsQuery): SessionListInput => ({
  agentId: q.agent_id,
  status: q.status,
  limit: q.limit,
  offset: q.offset,
  cursor: q.cursor,
});
