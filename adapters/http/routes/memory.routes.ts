import { performance } from 'node:perf_hooks';
import { Router, type Request, type Response } from 'express';
import { invalid } from '../../../domain/index.js';
import type { AppDeps } from '../app-deps.js';
import {
  CreateMemoryBatchRequest,
  CreateMemoryRequest,
  toNewMemory,
} from '../../wire/create-memory.request.js';
import { ListMemoriesQuery, toListInput } from '../../wire/list-memories.query.js';
import {
  toBatchResponse,
  toMemoryListResponse,
  toMemoryResponse,
  toSearchResponse,
} from '../../wire/memory.response.js';
import { NoQuery } from '../../wire/page.query.js';
import { SearchMemoriesRequest, toSearchInput } from '../../wire/search-memories.request.js';
import { principalOf, requirePermission } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/json-body.js';
import { bodyOf, queryOf, toDto, validateBody, validateQuery } from '../middleware/validate.js';

/** /memories (single and batch create, list, get) and /search. */
export function memoryRoutes(deps: AppDeps): Router {
  const router = Router();
  const read = requirePermission(deps.auth, 'read');
  const write = requirePermission(deps.auth, 'write');
  const body = jsonBody(deps.maxBodyBytes);

  router.post(
    '/memories',
    write,
    validateQuery(NoQuery),
    body,
    async (req: Request, res: Response) => {
      const { orgId } = principalOf(res);
      const raw = req.body as Record<string, unknown>;
      if (raw.memories === null) delete raw.memories;
      if (raw.memories === undefined) {
        const dto = await toDto(CreateMemoryRequest, raw, 'body');
        const memory = await deps.memories.create(orgId, toNewMemory(dto));
        res.status(201).json(toMemoryResponse(memory));
        return;
      }
      const extra = Object.keys(raw).find((key) => key !== 'memories');
      if (extra !== undefined) {
        throw invalid(`${extra} is not allowed next to memories: a batch carries only memories`);
      }
      const dto = await toDto(CreateMemoryBatchRequest, raw, 'body');
      const result = await deps.memories.createMany(orgId, dto.memories.map(toNewMemory));
      res.status(201).json(toBatchResponse(result));
    },
  );

  router.get(
    '/memories',
    read,
    validateQuery(ListMemoriesQuery),
    async (_req: Request, res: Response) => {
      const query = queryOf<ListMemoriesQuery>(res);
      const list = await deps.memories.list(principalOf(res).orgId, toListInput(query));
      res.json(toMemoryListResponse(list));
    },
  );

  router.get('/memories/:id', read, validateQuery(NoQuery), async (req: Request, res: Response) => {
    const memory = await deps.memories.get(principalOf(res).orgId, String(req.params.id));
    res.json(toMemoryResponse(memory));
  });

  router.post(
    '/search',
    read,
    validateQuery(NoQuery),
    body,
    validateBody(SearchMemoriesRequest),
    async (_req: Request, res: Response) => {
      const input = toSearchInput(bodyOf<SearchMemoriesRequest>(res));
      const started = performance.now();
      const list = await deps.memories.search(principalOf(res).orgId, input);
      res.json(toSearchResponse(list, performance.now() - started));
    },
  );

  return router;
}
