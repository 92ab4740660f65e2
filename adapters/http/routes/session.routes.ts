import { DEFAULT_LIMITS } from '../../../domain/index.js';
import { CreateSessionRequest, toNewSession } from '../../wire/create-session.request.js';
import { SessionMemoriesQuery, namingQ, toListInput } from '../../wire/list-memories.query.js';
import { ListSessionsQuery, toSessionListInput } from '../../wire/list-sessions.query.js';
import { toMemoryListResponse } from '../../wire/memory.response.js';
import { SessionContextRequest, toContextInput } from '../../wire/session-context.request.js';
import {
  toContextResponse,
  toSessionListResponse,
  toSessionResponse,
} from '../../wire/session.response.js';
import { toSessionUpdate, UpdateSessionRequest } from '../../wire/update-session.request.js';
import { ref } from '../../wire/json-schema.js';
import { apiRoute, type ApiCall, type Route } from './route.js';

/** A session's memories; none of a session the org knows nothing of is a 404. */
async function sessionMemories({ deps, orgId, id, query }: ApiCall<SessionMemoriesQuery, unknown>) {
  const list = await namingQ(deps.memories.list(orgId, { ...toListInput(query), sessionId: id }));
  if (list.count === 0) await deps.sessions.requireKnownSession(orgId, id);
  return toMemoryListResponse(list);
}

/** The session's LLM-ready context. */
async function sessionContext({ deps, orgId, id, body }: ApiCall<unknown, SessionContextRequest>) {
  return toContextResponse(await deps.context.forSession(orgId, id, toContextInput(body)));
}

/** /sessions: create, list, get, update, delete, their memories and their LLM-ready context. */
export const SESSION_ROUTES: readonly Route[] = [
  apiRoute({
    method: 'post',
    path: '/api/v1/sessions',
    operationId: 'createSession',
    tag: 'sessions',
    summary: 'Start a session',
    access: 'write',
    body: { required: true, dto: CreateSessionRequest },
    ok: { 201: { description: 'Created.', schema: ref('SessionResponse') } },
    errors: [413],
    handle: async ({ deps, orgId, body }) =>
      toSessionResponse(await deps.sessions.create(orgId, toNewSession(body))),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/sessions',
    operationId: 'listSessions',
    tag: 'sessions',
    summary: 'Sessions, newest first',
    access: 'read',
    query: ListSessionsQuery,
    ok: { 200: { description: 'A page of sessions.', schema: ref('SessionListResponse') } },
    handle: async ({ deps, orgId, query }) =>
      toSessionListResponse(await deps.sessions.list(orgId, toSessionListInput(query))),
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/sessions/{id}',
    operationId: 'getSession',
    tag: 'sessions',
    summary: 'One session',
    access: 'read',
    ok: { 200: { description: 'The session.', schema: ref('SessionResponse') } },
    errors: [404],
    handle: async ({ deps, orgId, id }) => toSessionResponse(await deps.sessions.get(orgId, id)),
  }),
  apiRoute({
    method: 'put',
    path: '/api/v1/sessions/{id}',
    operationId: 'updateSession',
    tag: 'sessions',
    summary: 'Close or reopen a session, merge its metadata',
    description:
      `A merge that would make the metadata larger than ${DEFAULT_LIMITS.maxMetadataBytes} ` +
      'bytes of JSON (MEMTRACE_LIMITS_MAX_METADATA_BYTES) is a 400 and changes nothing.',
    access: 'write',
    body: { required: true, dto: UpdateSessionRequest },
    ok: { 200: { description: 'The session after the change.', schema: ref('SessionResponse') } },
    errors: [404, 413],
    handle: async ({ deps, orgId, id, body }) =>
      toSessionResponse(await deps.sessions.update(orgId, id, toSessionUpdate(body))),
  }),
  apiRoute({
    method: 'delete',
    path: '/api/v1/sessions/{id}',
    operationId: 'deleteSession',
    tag: 'sessions',
    summary: 'Delete a session and all its memories',
    description:
      'Deletes the memories of the session, then the session: from the next request on no path ' +
      'returns or counts them. Logged (org, key, session, count). A memory written to the ' +
      'session id later (or while it is deleted) starts it anew: active, empty metadata. 404 ' +
      'when the org has neither a session nor a memory of this id.',
    access: 'write',
    ok: { 204: { description: 'Deleted, with its memories.' } },
    errors: [404],
    handle: async ({ deps, principal, id }) => {
      await deps.sessions.delete(principal, id);
    },
  }),
  apiRoute({
    method: 'get',
    path: '/api/v1/sessions/{id}/memories',
    operationId: 'getSessionMemories',
    tag: 'sessions',
    summary: "A session's memories, filtered",
    access: 'read',
    query: SessionMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
    handle: sessionMemories,
  }),
  apiRoute({
    method: 'post',
    path: '/api/v1/sessions/{id}/context',
    operationId: 'getSessionContext',
    tag: 'sessions',
    summary: "The session's LLM-ready context (markdown)",
    description:
      'A session id works when it was created or when any memory of the org names it. An empty ' +
      'body takes every default: the whole session, newest first, no token budget.',
    access: 'read',
    body: { required: false, dto: SessionContextRequest },
    ok: { 200: { description: 'The context.', schema: ref('ContextResponse') } },
    errors: [404, 413],
    handle: sessionContext,
  }),
];
