import { DEFAULT_LIMITS, MAX_BATCH_SIZE } from '../../../domain/index.js';
import {
  AgentMemoriesQuery,
  ListMemoriesQuery,
  SessionMemoriesQuery,
} from '../../wire/list-memories.query.js';
import { ListSessionsQuery } from '../../wire/list-sessions.query.js';
import { PageQuery } from '../../wire/page.query.js';
import { ref, type JsonSchema } from '../../wire/json-schema.js';

/** The operations table of the OpenAPI document: one entry per route memtrace serves. */

export type Ctor = abstract new (...args: never[]) => object;
export type Method = 'get' | 'post' | 'put' | 'delete';
export type Access = 'public' | 'read' | 'write' | 'admin' | 'operator';

export interface Operation {
  readonly method: Method;
  /** OpenAPI path template (`/api/v1/memories/{id}`). */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  readonly query?: Ctor;
  readonly body?: { readonly schema: JsonSchema; readonly required: boolean };
  /** Success status → description and schema (or media type for non-JSON bodies). */
  readonly ok: Readonly<Record<number, SuccessResponse>>;
  /** Error statuses besides those every route of its access level can answer. */
  readonly errors?: readonly number[];
}

export interface SuccessResponse {
  readonly description: string;
  readonly schema?: JsonSchema;
  readonly mediaType?: string;
}

/** Every operation memtrace serves, in the order the document lists them. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/',
    operationId: 'index',
    tag: 'health',
    summary: 'Where the reference, this document, the probes and the API are',
    access: 'public',
    ok: { 200: { description: 'Their paths.', schema: ref('IndexResponse') } },
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    tag: 'health',
    summary: 'The process is up',
    access: 'public',
    ok: { 200: { description: 'Up.', schema: ref('HealthResponse') } },
  },
  {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    tag: 'health',
    summary: 'The storage answers',
    access: 'public',
    ok: { 200: { description: 'Ready.', schema: ref('ReadyResponse') } },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'health',
    summary: 'Prometheus metrics',
    description:
      'Request durations by route and status, store-operation latency by driver and operation, ' +
      'memories written, duplicates rejected, context tokens returned and process metrics, in ' +
      'the Prometheus text format. Public, like /health; off with MEMTRACE_METRICS_ENABLED=false.',
    access: 'public',
    ok: { 200: { description: 'The metrics.', mediaType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'health',
    summary: 'This document',
    access: 'public',
    ok: { 200: { description: 'The OpenAPI 3.1 document.', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'health',
    summary: 'Interactive API reference (HTML, works offline)',
    access: 'public',
    ok: {
      200: { description: 'The reference page (at /docs/).', mediaType: 'text/html' },
      301: { description: 'To /docs/, under which the page loads its assets.' },
    },
  },
  {
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
    body: {
      required: true,
      schema: { oneOf: [ref('CreateMemoryRequest'), ref('CreateMemoryBatchRequest')] },
    },
    ok: {
      201: {
        description: 'Stored: the memory, or for a batch what was stored.',
        schema: { oneOf: [ref('MemoryResponse'), ref('BatchResponse')] },
      },
    },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/memories',
    operationId: 'listMemories',
    tag: 'memories',
    summary: 'List memories, filtered',
    access: 'read',
    query: ListMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/memories/{id}',
    operationId: 'getMemory',
    tag: 'memories',
    summary: 'One memory',
    access: 'read',
    ok: { 200: { description: 'The memory.', schema: ref('MemoryResponse') } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/search',
    operationId: 'searchMemories',
    tag: 'memories',
    summary: 'Structured search',
    access: 'read',
    body: { required: false, schema: ref('SearchMemoriesRequest') },
    ok: { 200: { description: 'Matching memories.', schema: ref('SearchResponse') } },
    errors: [413],
  },
  {
    method: 'post',
    path: '/api/v1/agents',
    operationId: 'registerAgent',
    tag: 'agents',
    summary: 'Register an agent',
    access: 'write',
    body: { required: true, schema: ref('CreateAgentRequest') },
    ok: { 201: { description: 'Registered.', schema: ref('AgentResponse') } },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/agents',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'Registered agents, newest first',
    access: 'read',
    query: PageQuery,
    ok: { 200: { description: 'A page of agents.', schema: ref('AgentListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}',
    operationId: 'getAgent',
    tag: 'agents',
    summary: 'One agent, by id or name',
    access: 'read',
    ok: { 200: { description: 'The agent.', schema: ref('AgentResponse') } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}/stats',
    operationId: 'getAgentStats',
    tag: 'agents',
    summary: "An agent's statistics",
    access: 'read',
    ok: { 200: { description: 'The statistics.', schema: ref('AgentStatsResponse') } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/agents/{id}/memories',
    operationId: 'getAgentMemories',
    tag: 'agents',
    summary: "An agent's memories, filtered",
    access: 'read',
    query: AgentMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/v1/agents/{id}',
    operationId: 'deleteAgent',
    tag: 'agents',
    summary: "Remove an agent's registration (its memories stay)",
    access: 'write',
    ok: { 204: { description: 'Removed.' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/sessions',
    operationId: 'createSession',
    tag: 'sessions',
    summary: 'Start a session',
    access: 'write',
    body: { required: true, schema: ref('CreateSessionRequest') },
    ok: { 201: { description: 'Created.', schema: ref('SessionResponse') } },
    errors: [413],
  },
  {
    method: 'get',
    path: '/api/v1/sessions',
    operationId: 'listSessions',
    tag: 'sessions',
    summary: 'Sessions, newest first',
    access: 'read',
    query: ListSessionsQuery,
    ok: { 200: { description: 'A page of sessions.', schema: ref('SessionListResponse') } },
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}',
    operationId: 'getSession',
    tag: 'sessions',
    summary: 'One session',
    access: 'read',
    ok: { 200: { description: 'The session.', schema: ref('SessionResponse') } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/v1/sessions/{id}',
    operationId: 'updateSession',
    tag: 'sessions',
    summary: 'Close or reopen a session, merge its metadata',
    description:
      `A merge that would make the metadata larger than ${DEFAULT_LIMITS.maxMetadataBytes} ` +
      'bytes of JSON (MEMTRACE_LIMITS_MAX_METADATA_BYTES) is a 400 and changes nothing.',
    access: 'write',
    body: { required: true, schema: ref('UpdateSessionRequest') },
    ok: { 200: { description: 'The session after the change.', schema: ref('SessionResponse') } },
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}/memories',
    operationId: 'getSessionMemories',
    tag: 'sessions',
    summary: "A session's memories, filtered",
    access: 'read',
    query: SessionMemoriesQuery,
    ok: { 200: { description: 'A page of memories.', schema: ref('MemoryListResponse') } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/sessions/{id}/context',
    operationId: 'getSessionContext',
    tag: 'sessions',
    summary: "The session's LLM-ready context (markdown)",
    description:
      'A session id works when it was created or when any memory of the org names it. An empty ' +
      'body takes every default: the whole session, newest first, no token budget.',
    access: 'read',
    body: { required: false, schema: ref('SessionContextRequest') },
    ok: { 200: { description: 'The context.', schema: ref('ContextResponse') } },
    errors: [404, 413],
  },
  {
    method: 'post',
    path: '/api/v1/keys',
    operationId: 'createKey',
    tag: 'admin',
    summary: 'Issue an API key for the org',
    access: 'admin',
    body: { required: true, schema: ref('CreateKeyRequest') },
    ok: {
      201: {
        description: 'Issued; `api_key` is shown only here.',
        schema: ref('IssuedKeyResponse'),
      },
    },
    errors: [413],
  },
  {
    method: 'get',
    path: '/api/v1/keys',
    operationId: 'listKeys',
    tag: 'admin',
    summary: "The org's keys (never their secrets)",
    access: 'admin',
    ok: { 200: { description: 'The keys.', schema: ref('KeyListResponse') } },
  },
  {
    method: 'delete',
    path: '/api/v1/keys/{id}',
    operationId: 'revokeKey',
    tag: 'admin',
    summary: 'Revoke a key, effective on the next request',
    description: 'The last admin key of an org cannot be revoked (409).',
    access: 'admin',
    ok: { 204: { description: 'Revoked.' } },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/v1/orgs',
    operationId: 'createOrg',
    tag: 'admin',
    summary: 'Create an org with its first admin key',
    access: 'operator',
    body: { required: true, schema: ref('CreateOrgRequest') },
    ok: { 201: { description: 'Created.', schema: ref('CreatedOrgResponse') } },
    errors: [409, 413],
  },
  {
    method: 'get',
    path: '/api/v1/orgs',
    operationId: 'listOrgs',
    tag: 'admin',
    summary: 'Every org',
    access: 'operator',
    ok: { 200: { description: 'The orgs.', schema: ref('OrgListResponse') } },
  },
  {
    method: 'put',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'putOrgArcInstance',
    tag: 'admin',
    summary: "Route an org's memories to its own Arc instance (create or replace)",
    description:
      'Every field is replaced; an absent `api_key` means the instance needs none. The key is ' +
      'stored encrypted (AES-256-GCM under MEMTRACE_MASTER_KEY; 503 when that is not set) and ' +
      'never returned. Used by the `arc` storage driver: effective at once in this server, and ' +
      'within 1 s in every other one on the same store.',
    access: 'operator',
    body: { required: true, schema: ref('PutArcInstanceRequest') },
    ok: {
      200: { description: 'Replaced.', schema: ref('ArcInstanceResponse') },
      201: { description: 'Created.', schema: ref('ArcInstanceResponse') },
    },
    errors: [404, 413],
  },
  {
    method: 'get',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'getOrgArcInstance',
    tag: 'admin',
    summary: "The org's own Arc instance (never its API key)",
    description: 'A 404 when the org does not exist or uses the default Arc instance.',
    access: 'operator',
    ok: { 200: { description: 'The instance.', schema: ref('ArcInstanceResponse') } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/v1/orgs/{id}/arc',
    operationId: 'deleteOrgArcInstance',
    tag: 'admin',
    summary: 'Route the org back to the default Arc instance',
    description: 'A 404 when the org does not exist or has no instance of its own.',
    access: 'operator',
    ok: { 204: { description: 'Removed.' } },
    errors: [404],
  },
];
