import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS, invalid, MAX_BATCH_SIZE } from '../../../domain/index.js';
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
import { SearchMemoriesRequest, toSearchInput } from '../../wire/search-memories.request.js';
import { toDto } from '../middleware/validate.js';
import { ref } from '../../wire/json-schema.js';
import { apiRoute, type ApiCall, type Route } from './route.js';

/** One memory, or `{"memories": [...]}` stored atomically: the body says which. */
async function addMemory({ deps, orgId, body: raw }: ApiCall<unknown, Record<string, unknown>>) {
  if (raw.memories === null) delete raw.memories;
  if (raw.memories === undefined) {
    const dto = await toDto(CreateMemoryRequest, raw, 'body');
    return toMemoryResponse(await deps.memories.create(orgId, toNewMemory(dto)));
  }
  const extra = Object.keys(raw).find((key) => key !== 'memories');
  if (extra !== undefined) {
    throw invalid(`${extra} is not allowed next to memories: a batch carries only memories`);
  }
  const dto = await toDto(CreateMemoryBatchRequest, raw, 'body');
  return toBatchResponse(await deps.memories.createMany(orgId, dto.memories.map(toNewMemory)));
}

/** /memories (single and batch create, list, get) and /search. */
export const MEMORY_ROUTES: readonly Route[] = [
  apiRoute({
    method: 'post',
    path: '/api/v1/memories',
    operationId: 'addMemory',
    tag: 'memories',
    summary: 'Record one memory, or a batch atomically',
    description:
      `One memory, or \`{"memories": [...]}\` (up to ${MAX_BATCH_SIZE}, carrying up to ` +
      `${DEFAULT_LIMITS.maxBatchTags} tags in all) stored atomically. ` +
      'A single duplicate is a 409 carrying the stored `memory_id`; a batch stores the rest and ' +
      'lists its duplicates.',
    access: 'write',
    body: { required: true, oneOf: [CreateMemoryRequest, CreateMemoryBatchRequest] },
    ok: {
      201: {
        description: 'Stored: the memory, or for a batch what was stored.',
        schema: { oneOf: [ref('MemoryResponse'), ref('BatchResponse')] },
      },
    },
    errors: [409, 413],
    handle: addMemory,
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/memories',
    operationId: 'listMemories',
    tag: 'memories',
    summary: 'List memories, filtered',
    access: 'read',
    query: ListMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    handle: async ({ deps, orgId, query }) =>
      toMemoryListResponse(await deps.memories.list(orgId, toListInput(query))),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/memories/{id}',
    operationId: 'getMemory',
    tag: 'memories',
    summary: 'One memory',
    access: 'read',
    ok: { 200: { description: 'The memory.', schema: ref('MemoryResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => toMemoryResponse(await deps.memories.get(orgId, id)),
  }),
  apiRoute({
    method: 'post',
    path: '/api/v1/search',
    operationId: 'searchMemories',
    tag: 'memories',
    summary: 'Structured search',
    access: 'read',
    body: { required: false, dto: SearchMemoriesRequest },
    ok: { 200: { description: 'Matching memories.', schema: ref('SearchResponse') } },
    errors: [413],
    handle: async ({ deps, orgId, body }) => {
      const input = toSearchInput(body);
      const started = performance.now();
      const list = await deps.memories.search(orgId, input);
      return toSearchResponse(list, performance.now() - started);
    },
  }),
];
