import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS, invalid, MAX_BATCH_SIZE, MAX_FORGET_IDS } from '../../../domain/index.js';
import {
  CreateMemoryBatchRequest,
  CreateMemoryRequest,
  toNewMemory,
} from '../../wire/create-memory.request.js';
import { ForgetMemoriesRequest, toForgetInput } from '../../wire/forget-memories.request.js';
import { ListMemoriesQuery, namingQ, toListInput } from '../../wire/list-memories.query.js';
import {
  toBatchResponse,
  toForgetResponse,
  toHistoryResponse,
  toMemoryListResponse,
  toMemoryResponse,
  toSearchResponse,
} from '../../wire/memory.response.js';
import { SearchMemoriesRequest, toSearchInput } from '../../wire/search-memories.request.js';
import { UpdateMemoryRequest } from '../../wire/update-memory.request.js';
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

/** /memories (single and batch create, list, get, patch, history, delete, forget) and /search. */
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
    description:
      'Newest first by default. With `q` (keyword search) only memories matching it, ranked by ' +
      'relevance unless `order` asks for time, each with its `score`.',
    access: 'read',
    query: ListMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    handle: async ({ deps, orgId, query }) =>
      toMemoryListResponse(await namingQ(deps.memories.list(orgId, toListInput(query)))),
  }),
  // Before /memories/{id}, though only GET and DELETE take an id: POST here is always forget.
  apiRoute({
    method: 'post',
    path: '/api/v1/memories/forget',
    operationId: 'forgetMemories',
    tag: 'memories',
    summary: 'Forget the memories a filter or ids match, atomically',
    description:
      'Deletes every memory of the org matching all the given filters (those of search) and/or ' +
      `\`ids\` (up to ${MAX_FORGET_IDS}), all of them or none, and logs it (org, key, filter, ` +
      'count). `dry_run: true` answers `{"would_delete": n, "dry_run": true}` and deletes ' +
      'nothing. A body with no filter and no ids is a 400 unless `all: true`, which forgets ' +
      'every memory of the org and needs an admin key (403 otherwise).',
    access: 'write',
    body: { required: true, dto: ForgetMemoriesRequest },
    ok: {
      200: {
        description: '`{"deleted": n}`, or for a dry run `{"would_delete": n, "dry_run": true}`.',
        schema: { oneOf: [ref('ForgetResponse'), ref('ForgetDryRunResponse')] },
      },
    },
    errors: [413],
    handle: async ({ deps, principal, body }) =>
      toForgetResponse(await deps.memories.forget(principal, toForgetInput(body))),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/memories/{id}',
    operationId: 'getMemory',
    tag: 'memories',
    summary: 'One memory',
    description: 'Also a superseded one, with `superseded_by` set.',
    access: 'read',
    ok: { 200: { description: 'The memory.', schema: ref('MemoryResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => toMemoryResponse(await deps.memories.get(orgId, id)),
  }),
  apiRoute({
    method: 'patch',
    path: '/api/v1/memories/{id}',
    operationId: 'updateMemory',
    tag: 'memories',
    summary: "Correct a memory's importance, tags, metadata, pinned or expiry",
    description:
      'Sets `importance`, replaces `tags`, merges `metadata` key by key (a key set to null is ' +
      "removed), sets `pinned` (true clears the memory's own expiry) or `expires_at` (null " +
      "removes it), atomically: concurrent patches never lose each other's keys. `content`, " +
      '`agent_id`, `memory_type`, `event_type` and `session_id` are immutable (400): a ' +
      'corrected fact is a new memory with `supersedes`. 404 when the org has no live memory with ' +
      'this id.',
    access: 'write',
    // Read as JSON by the domain, so an immutable field gets its own message.
    body: { required: true, oneOf: [UpdateMemoryRequest] },
    ok: { 200: { description: 'The memory after the change.', schema: ref('MemoryResponse') } },
    errors: [404, 413],
    handle: async ({ deps, orgId, id, body }) =>
      toMemoryResponse(await deps.memories.update(orgId, id, body)),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/memories/{id}/history',
    operationId: 'memoryHistory',
    tag: 'memories',
    summary: 'Every version of a corrected memory, oldest first',
    description:
      'The chain of `supersedes` the memory belongs to, whichever version is asked for: the ' +
      'versions it corrects, itself, and those that correct it. A memory never corrected is a ' +
      'chain of one. 404 when the org has no memory with this id.',
    access: 'read',
    ok: { 200: { description: 'The chain, oldest first.', schema: ref('HistoryResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) =>
      toHistoryResponse(await deps.memories.history(orgId, id)),
  }),
  apiRoute({
    method: 'delete',
    path: '/api/v1/memories/{id}',
    operationId: 'deleteMemory',
    tag: 'memories',
    summary: 'Forget one memory',
    description:
      'Deletes the memory: from the next request on no path returns or counts it. Logged ' +
      '(org, key, id). 404 when the org has no memory with this id.',
    access: 'write',
    ok: { 204: { description: 'Deleted.' } },
    errors: [404],
    handle: async ({ deps, principal, id }) => {
      await deps.memories.delete(principal, id);
    },
  }),
  apiRoute({
    method: 'post',
    path: '/api/v1/search',
    operationId: 'searchMemories',
    tag: 'memories',
    summary: 'Search memories by filters and ranked keywords',
    description:
      'Every given filter must hold. With `query` (keyword search: words, `"phrases"`, ' +
      '`prefix*`, `OR`) only memories matching it, ranked by relevance (score, then time) unless ' +
      '`order` asks for time, each result with its `score`; without it newest first.',
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
