import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import {
  toAgentListResponse,
  toAgentResponse,
  toAgentStatsResponse,
} from '../../wire/agent.response.js';
import { CreateAgentRequest, toNewAgent } from '../../wire/create-agent.request.js';
import { AgentMemoriesQuery, toListInput } from '../../wire/list-memories.query.js';
import { toMemoryListResponse } from '../../wire/memory.response.js';
import { NoQuery, PageQuery } from '../../wire/page.query.js';
import { principalOf, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, queryOf, validateBody, validateQuery } from '../middleware/validate.js';

/** /agents: register, list, get (by id or name), stats, memories, delete. */
export function agentRoutes(deps: AppDeps): Router {
  const router = Router();
  const read = requirePermission(deps.auth, 'read');
  const write = requirePermission(deps.auth, 'write');
  const body = jsonBody(deps.maxBodyBytes);

  router.post(
    '/agents',
    write,
    validateQuery(NoQuery),
    body,
    validateBody(CreateAgentRequest),
    async (_req: Request, res: Response) => {
      const dto = bodyOf<CreateAgentRequest>(res);
      const agent = await deps.agents.register(principalOf(res).orgId, toNewAgent(dto));
      res.status(201).json(toAgentResponse(agent));
    },
  );

  router.get('/agents', read, validateQuery(PageQuery), async (_req: Request, res: Response) => {
    const list = await deps.agents.list(principalOf(res).orgId, queryOf<PageQuery>(res));
    res.json(toAgentListResponse(list));
  });

  router.get('/agents/:id', read, validateQuery(NoQuery), async (req: Request, res: Response) => {
    const agent = await deps.agents.get(principalOf(res).orgId, String(req.params.id));
    res.json(toAgentResponse(agent));
  });

  router.get(
    '/agents/:id/stats',
    read,
    validateQuery(NoQuery),
    async (req: Request, res: Response) => {
      const stats = await deps.agents.stats(principalOf(res).orgId, String(req.params.id));
      res.json(toAgentStatsResponse(stats));
    },
  );

  // The memories of a registered agent are those naming it; any other id is used as given.
  router.get(
    '/agents/:id/memories',
    read,
    validateQuery(AgentMemoriesQuery),
    async (req: Request, res: Response) => {
      const { orgId } = principalOf(res);
      const id = String(req.params.id);
      const agentId = await deps.agents.resolveAgentId(orgId, id);
      const input = { ...toListInput(queryOf<AgentMemoriesQuery>(res)), agentId };
      const list = await deps.memories.list(orgId, input);
      // An id the org knows nothing of is a 404, as for stats.
      if (list.count === 0) await deps.agents.stats(orgId, id);
      res.json(toMemoryListResponse(list));
    },
  );

  router.delete(
    '/agents/:id',
    write,
    validateQuery(NoQuery),
    async (req: Request, res: Response) => {
      await deps.agents.delete(principalOf(res).orgId, String(req.params.id));
      res.status(204).end();
    },
  );

  return router;
}
