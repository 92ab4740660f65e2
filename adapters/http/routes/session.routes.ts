import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { CreateSessionRequest, toNewSession } from '../../wire/create-session.request.js';
import { SessionMemoriesQuery, toListInput } from '../../wire/list-memories.query.js';
import { ListSessionsQuery, toSessionListInput } from '../../wire/list-sessions.query.js';
import { toMemoryListResponse } from '../../wire/memory.response.js';
import { NoQuery } from '../../wire/page.query.js';
import { SessionContextRequest, toContextInput } from '../../wire/session-context.request.js';
import {
  toContextResponse,
  toSessionListResponse,
  toSessionResponse,
} from '../../wire/session.response.js';
import { toSessionUpdate, UpdateSessionRequest } from '../../wire/update-session.request.js';
import { principalOf, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, queryOf, validateBody, validateQuery } from '../middleware/validate.js';

/** /sessions: create, list, get, update, their memories and their LLM-ready context. */
export function sessionRoutes(deps: AppDeps): Router {
  const router = Router();
  const read = requirePermission(deps.auth, 'read');
  const write = requirePermission(deps.auth, 'write');
  const body = jsonBody(deps.maxBodyBytes);

  router.post(
    '/sessions',
    write,
    validateQuery(NoQuery),
    body,
    validateBody(CreateSessionRequest),
    async (_req: Request, res: Response) => {
      const dto = bodyOf<CreateSessionRequest>(res);
      const session = await deps.sessions.create(principalOf(res).orgId, toNewSession(dto));
      res.status(201).json(toSessionResponse(session));
    },
  );

  router.get(
    '/sessions',
    read,
    validateQuery(ListSessionsQuery),
    async (_req: Request, res: Response) => {
      const query = queryOf<ListSessionsQuery>(res);
      const list = await deps.sessions.list(principalOf(res).orgId, toSessionListInput(query));
      res.json(toSessionListResponse(list));
    },
  );

  router.get('/sessions/:id', read, validateQuery(NoQuery), async (req: Request, res: Response) => {
    const session = await deps.sessions.get(principalOf(res).orgId, String(req.params.id));
    res.json(toSessionResponse(session));
  });

  router.put(
    '/sessions/:id',
    write,
    validateQuery(NoQuery),
    body,
    validateBody(UpdateSessionRequest),
    async (req: Request, res: Response) => {
      const update = toSessionUpdate(bodyOf<UpdateSessionRequest>(res));
      const session = await deps.sessions.update(
        principalOf(res).orgId,
        String(req.params.id),
        update,
      );
      res.json(toSessionResponse(session));
    },
  );

  router.get(
    '/sessions/:id/memories',
    read,
    validateQuery(SessionMemoriesQuery),
    async (req: Request, res: Response) => {
      const { orgId } = principalOf(res);
      const sessionId = String(req.params.id);
      const input = { ...toListInput(queryOf<SessionMemoriesQuery>(res)), sessionId };
      const list = await deps.memories.list(orgId, input);
      if (list.count === 0) await deps.sessions.requireKnownSession(orgId, sessionId);
      res.json(toMemoryListResponse(list));
    },
  );

  router.post(
    '/sessions/:id/context',
    read,
    validateQuery(NoQuery),
    body,
    validateBody(SessionContextRequest),
    async (req: Request, res: Response) => {
      const input = toContextInput(bodyOf<SessionContextRequest>(res));
      const context = await deps.context.forSession(
        principalOf(res).orgId,
        String(req.params.id),
        input,
      );
      res.json(toContextResponse(context));
    },
  );

  return router;
}
