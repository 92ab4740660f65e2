import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createKey, type TestApp } from '../support/test-app.js';

/**
 * The original memtrace SDKs (TypeScript `@basekick-labs/memtrace-sdk` 0.2.0 and Python
 * `memtrace-sdk` 0.2.0) against this server: every method of both, sent exactly as each SDK
 * sends it (method, path, headers, body field names, query parameters), and each answer checked
 * against the SDK's documented response type. The validators below are ours, written from those
 * documented types (required fields and their JSON types); no SDK code is used or copied.
 */

// ---- The requests, shaped as each SDK sends them ----

type Client = 'typescript' | 'python';
const CLIENTS: readonly Client[] = ['typescript', 'python'];

interface Sent {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * One request as `client` sends it. TypeScript: `x-api-key` always, `Content-Type:
 * application/json` only with a body (JSON.stringify). Python (httpx): `x-api-key` and
 * `Content-Type: application/json` on every request, bodies as JSON.
 */
async function send(
  t: TestApp,
  client: Client,
  key: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Sent> {
  const agent = request(t.app);
  const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
  let req = agent[verb](path).set('x-api-key', key);
  if (client === 'python' || body !== undefined) req = req.set('Content-Type', 'application/json');
  const res = body === undefined ? await req : await req.send(JSON.stringify(body));
  return { status: res.status, body: res.body as unknown, headers: res.headers };
}

/** A path segment as both SDKs escape it (encodeURIComponent; httpx quotes the same here). */
const seg = encodeURIComponent;

/** The list query: the SDKs' ListOptions fields, in their order, unset ones left out. */
interface ListOptions {
  agent_id?: string;
  session_id?: string;
  memory_type?: string;
  event_type?: string;
  tags?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

function listQuery(client: Client, opts: ListOptions): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    // TypeScript sends limit and offset only when > 0; Python sends every field that is set.
    if (client === 'typescript' && (k === 'limit' || k === 'offset') && !((v as number) > 0)) {
      continue;
    }
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

// ---- The documented response types, as validators ----

type FieldType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'datetime'
  | { readonly enum: readonly string[] }
  | { readonly arrayOf: FieldType | Shape }
  | { readonly recordOf: FieldType };

interface Shape {
  readonly name: string;
  readonly required: Readonly<Record<string, FieldType>>;
  /** Absent, null (Python's `None`, the models' default) or of this type. */
  readonly optional?: Readonly<Record<string, FieldType>>;
}

const isShape = (t: FieldType | Shape): t is Shape => typeof t === 'object' && 'required' in t;

function problems(type: FieldType | Shape, value: unknown, at: string): string[] {
  if (isShape(type)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [`${at} must be a ${type.name} object`];
    }
    const o = value as Record<string, unknown>;
    const out: string[] = [];
    for (const [k, t] of Object.entries(type.required)) {
      if (!(k in o) || o[k] === undefined) out.push(`${at}.${k} is required (${type.name})`);
      else out.push(...problems(t, o[k], `${at}.${k}`));
    }
    for (const [k, t] of Object.entries(type.optional ?? {})) {
      if (o[k] !== undefined && o[k] !== null) out.push(...problems(t, o[k], `${at}.${k}`));
    }
    return out;
  }
  if (typeof type === 'object') {
    if ('enum' in type) {
      return type.enum.includes(value as string) ? [] : [`${at} must be one of ${type.enum}`];
    }
    if ('arrayOf' in type) {
      if (!Array.isArray(value)) return [`${at} must be an array`];
      return value.flatMap((v, i) => problems(type.arrayOf, v, `${at}[${i}]`));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [`${at} must be an object`];
    }
    return Object.entries(value).flatMap(([k, v]) => problems(type.recordOf, v, `${at}.${k}`));
  }
  switch (type) {
    case 'integer':
      // Python's models say `int`: a JSON number with a fraction is refused.
      return Number.isInteger(value) ? [] : [`${at} must be an integer, got ${String(value)}`];
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? []
        : [`${at} must be an ISO 8601 time`];
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? []
        : [`${at} must be an object`];
    default:
      return typeof value === type ? [] : [`${at} must be a ${type}`];
  }
}

/** Fails with every way `value` is not of the documented type. */
function expectType(shape: Shape, value: unknown): void {
  expect(problems(shape, value, shape.name)).toEqual([]);
}

const MEMORY_TYPE = { enum: ['episodic', 'session', 'decision', 'entity'] } as const;

const MEMORY: Shape = {
  name: 'Memory',
  required: {
    time: 'datetime',
    org_id: 'string',
    agent_id: 'string',
    memory_type: MEMORY_TYPE,
    event_type: 'string',
    content: 'string',
  },
  optional: {
    session_id: 'string',
    metadata: 'object',
    tags: { arrayOf: 'string' },
    dedup_key: 'string',
    importance: 'number',
    parent_id: 'string',
  },
};
const MEMORY_LIST: Shape = {
  name: 'MemoryList',
  required: { memories: { arrayOf: MEMORY }, count: 'integer', has_more: 'boolean' },
};
/** What `addMemories` reads before it returns the `memories` array. */
const BATCH: Shape = {
  name: 'AddMemoriesResponse',
  required: { memories: { arrayOf: MEMORY }, count: 'integer' },
};
const SEARCH_RESULT: Shape = {
  name: 'SearchResult',
  required: { results: { arrayOf: MEMORY }, count: 'integer', query_time_ms: 'integer' },
};
const AGENT: Shape = {
  name: 'Agent',
  required: { id: 'string', org_id: 'string', name: 'string', created_at: 'datetime' },
  optional: { description: 'string', config: 'object', last_active_at: 'datetime' },
};
const AGENT_LIST: Shape = {
  name: 'AgentList',
  required: { agents: { arrayOf: AGENT }, count: 'integer' },
};
const AGENT_STATS: Shape = {
  name: 'AgentStats',
  required: {
    agent_id: 'string',
    memory_count: 'integer',
    memories_24h: 'integer',
    errors_24h: 'integer',
    session_count: 'integer',
    active_sessions: 'integer',
    memory_types: { recordOf: 'integer' },
  },
  optional: { last_active_at: 'datetime' },
};
const SESSION: Shape = {
  name: 'Session',
  required: {
    id: 'string',
    org_id: 'string',
    agent_id: 'string',
    status: 'string',
    created_at: 'datetime',
    updated_at: 'datetime',
  },
  optional: { metadata: 'object', closed_at: 'datetime' },
};
const SESSION_LIST: Shape = {
  name: 'SessionList',
  required: { sessions: { arrayOf: SESSION }, count: 'integer' },
};
const SESSION_CONTEXT: Shape = {
  name: 'SessionContext',
  required: { session_id: 'string', context: 'string', memory_count: 'integer' },
};

/**
 * The error an SDK raises for an answer of 400 or more, as both document it: the message is the
 * body's `error` (else the raw body, else `HTTP <status>`); 401, 404 and 409 have their own
 * classes, a 503 mentioning "arc instance" is NoArcInstanceError, anything else MemtraceError.
 */
function sdkError(res: Sent): { kind: string; message: string; status: number } {
  const body = res.body as { error?: unknown } | undefined;
  const message =
    typeof body?.error === 'string' && body.error !== '' ? body.error : `HTTP ${res.status}`;
  const kind =
    res.status === 401
      ? 'AuthenticationError'
      : res.status === 404
        ? 'NotFoundError'
        : res.status === 409
          ? 'ConflictError'
          : res.status === 503 && message.toLowerCase().includes('arc instance')
            ? 'NoArcInstanceError'
            : 'MemtraceError';
  return { kind, message, status: res.status };
}

// ---- The suite ----

let t: TestApp;
/** A read-write key, as the original's `key create` makes by default. */
let key: string;

beforeEach(async () => {
  t = await buildTestApp();
  key = await createKey(t, ['read', 'write']);
});

/** Both SDKs' method on one client; sequences use the client's own request shapes. */
function sdk(client: Client) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    send(t, client, key, method, path, body);
  const ok = async (res: Promise<Sent>, status: number, shape: Shape | null) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (shape) expectType(shape, r.body);
    return r.body as Record<string, unknown> & { id: string };
  };
  return {
    call,
    ok,
    addMemory: (req: Record<string, unknown>) =>
      ok(call('POST', '/api/v1/memories', req), 201, MEMORY),
    remember: (agentId: string, content: string) =>
      ok(
        call('POST', '/api/v1/memories', {
          agent_id: agentId,
          memory_type: 'episodic',
          event_type: 'general',
          content,
        }),
        201,
        MEMORY,
      ),
    registerAgent: (req: Record<string, unknown>) =>
      ok(call('POST', '/api/v1/agents', req), 201, AGENT),
    createSession: (req: Record<string, unknown>) =>
      ok(call('POST', '/api/v1/sessions', req), 201, SESSION),
    listMemories: (opts: ListOptions) =>
      ok(call('GET', `/api/v1/memories${listQuery(client, opts)}`), 200, MEMORY_LIST),
  };
}

describe.each(CLIENTS)('The original %s SDK', (client) => {
  it('remember(agentId, content) stores an episodic memory its Memory type accepts', async () => {
    // Act
    const m = await sdk(client).remember('agent_1', 'User prefers dark mode');

    // Assert
    expect(m).toMatchObject({
      memory_type: 'episodic',
      event_type: 'general',
      org_id: 'org_default',
    });
  });

  it('recall(agentId) lists the last 24h newest first, limit 100, as a MemoryList', async () => {
    // Arrange
    const s = sdk(client);
    await s.remember('agent_1', 'first');
    t.clock.advance(1000);
    await s.remember('agent_1', 'second');

    // Act
    const list = await s.listMemories({
      agent_id: 'agent_1',
      since: '24h',
      limit: 100,
      order: 'desc',
    });

    // Assert
    expect((list.memories as { content: string }[]).map((m) => m.content)).toEqual([
      'second',
      'first',
    ]);
    expect(list).toMatchObject({ count: 2, has_more: false });
  });

  it('decide(agentId, decision, reasoning) stores a decision with metadata.reasoning', async () => {
    // Act
    const m = await sdk(client).addMemory({
      agent_id: 'agent_1',
      memory_type: 'decision',
      event_type: 'decision',
      content: 'Use PostgreSQL',
      metadata: { reasoning: 'Better JSON support' },
    });

    // Assert
    expect(m).toMatchObject({
      memory_type: 'decision',
      metadata: { reasoning: 'Better JSON support' },
    });
  });

  it('addMemory(req) with every field of AddMemoryRequest answers a Memory with them', async () => {
    // Act
    const m = await sdk(client).addMemory({
      agent_id: 'agent_web_crawler',
      session_id: 'sess_abc123',
      memory_type: 'episodic',
      event_type: 'page_crawled',
      content: 'Crawled https://example.com',
      metadata: { pages_found: 3 },
      tags: ['crawling', 'products'],
      dedup_key: 'crawl_example_2026-02-07',
      importance: 0.7,
      parent_id: 'mem_parent',
    });

    // Assert
    expect(m).toMatchObject({
      session_id: 'sess_abc123',
      tags: ['crawling', 'products'],
      dedup_key: 'crawl_example_2026-02-07',
      importance: 0.7,
      parent_id: 'mem_parent',
    });
  });

  it('addMemories(reqs) posts {memories} and reads back its memories array', async () => {
    // Arrange
    const s = sdk(client);
    const reqs = [0, 1].map((i) => ({
      agent_id: 'agent_1',
      memory_type: 'episodic',
      event_type: 'general',
      content: `memory ${i}`,
    }));

    // Act
    const body = await s.ok(s.call('POST', '/api/v1/memories', { memories: reqs }), 201, BATCH);

    // Assert
    expect(body.memories).toHaveLength(2);
  });

  it('listMemories(opts) sends every ListOptions field as a query parameter', async () => {
    // Arrange
    const s = sdk(client);
    await s.addMemory({
      agent_id: 'agent_1',
      session_id: 'sess_1',
      memory_type: 'entity',
      event_type: 'fact',
      content: 'old',
      tags: ['a', 'b'],
    });
    t.clock.advance(1000);
    await s.addMemory({
      agent_id: 'agent_1',
      session_id: 'sess_1',
      memory_type: 'entity',
      event_type: 'fact',
      content: 'new',
      tags: ['a', 'b', 'c'],
    });
    t.clock.advance(1000);

    // Act
    const list = await s.listMemories({
      agent_id: 'agent_1',
      session_id: 'sess_1',
      memory_type: 'entity',
      event_type: 'fact',
      tags: 'a,b',
      since: '2h',
      until: new Date(t.clock.now() + 60_000).toISOString(),
      limit: 1,
      offset: 1,
      order: 'asc',
    });

    // Assert
    expect((list.memories as { content: string }[]).map((m) => m.content)).toEqual(['new']);
    expect(list).toMatchObject({ count: 2, has_more: false });
  });

  it('searchMemories(q) answers a SearchResult with whole milliseconds in query_time_ms', async () => {
    // Arrange
    const s = sdk(client);
    await s.addMemory({
      agent_id: 'agent_1',
      session_id: 'sess_1',
      memory_type: 'decision',
      event_type: 'page_crawled',
      content: 'Decided on example.com',
      tags: ['products'],
      importance: 0.8,
    });

    // Act
    const found = await s.ok(
      s.call('POST', '/api/v1/search', {
        agent_id: 'agent_1',
        session_id: 'sess_1',
        memory_types: ['episodic', 'decision'],
        event_types: ['page_crawled'],
        tags: ['products'],
        content_contains: 'example.com',
        since: '7d',
        until: new Date(t.clock.now() + 60_000).toISOString(),
        min_importance: 0.5,
        limit: 50,
        order: 'desc',
      }),
      200,
      SEARCH_RESULT,
    );

    // Assert
    expect(found.count).toBe(1);
  });

  it('registerAgent(req) answers an Agent whose id getAgent(id) finds', async () => {
    // Arrange
    const s = sdk(client);
    const agent = await s.registerAgent({
      name: 'web_crawler',
      description: 'Crawls product pages',
      config: { max_depth: 3 },
    });

    // Act
    const got = await s.ok(s.call('GET', `/api/v1/agents/${seg(agent.id)}`), 200, AGENT);

    // Assert
    expect(agent.id).toMatch(/^agent_[0-9a-f]{24}$/);
    expect(agent).toMatchObject({ org_id: 'org_default', name: 'web_crawler' });
    expect(got).toEqual(agent);
  });

  it('getAgentStats(id) answers AgentStats for a registered agent', async () => {
    // Arrange
    const s = sdk(client);
    const agent = await s.registerAgent({ name: 'planner' });
    await s.remember('planner', 'one');

    // Act
    const stats = await s.ok(
      s.call('GET', `/api/v1/agents/${seg(agent.id)}/stats`),
      200,
      AGENT_STATS,
    );

    // Assert
    expect(stats).toMatchObject({ memory_count: 1, memory_types: { episodic: 1 } });
  });

  it('createSession(req) answers a Session whose id getSession, context and close take', async () => {
    // Arrange
    const s = sdk(client);
    const agent = await s.registerAgent({ name: 'researcher' });
    const session = await s.createSession({
      agent_id: agent.id,
      metadata: { task: 'product_research' },
    });
    await s.addMemory({
      agent_id: agent.id,
      session_id: session.id,
      memory_type: 'episodic',
      event_type: 'general',
      content: 'Crawled example.com',
    });

    // Act
    const got = await s.ok(s.call('GET', `/api/v1/sessions/${seg(session.id)}`), 200, SESSION);
    const path = `/api/v1/sessions/${seg(session.id)}`;
    const context = await s.ok(s.call('POST', `${path}/context`, {}), 200, SESSION_CONTEXT);
    const closed = await s.ok(s.call('PUT', path, { status: 'closed' }), 200, SESSION);

    // Assert
    expect(session).toMatchObject({
      org_id: 'org_default',
      agent_id: agent.id,
      status: 'active',
      metadata: { task: 'product_research' },
    });
    expect(got.id).toBe(session.id);
    expect(context).toMatchObject({ session_id: session.id, memory_count: 1 });
    expect(closed).toMatchObject({ id: session.id, status: 'closed' });
    expect(typeof closed.closed_at).toBe('string');
  });

  it('getSessionContext(id, opts) sends max_tokens, include_types and since', async () => {
    // Arrange
    const s = sdk(client);
    const session = await s.createSession({ agent_id: 'agent_1' });
    await s.addMemory({
      agent_id: 'agent_1',
      session_id: session.id,
      memory_type: 'decision',
      event_type: 'decision',
      content: 'Focus on category A',
    });

    // Act
    const context = await s.ok(
      s.call('POST', `/api/v1/sessions/${seg(session.id)}/context`, {
        max_tokens: 2000,
        include_types: ['episodic', 'decision'],
        since: '4h',
      }),
      200,
      SESSION_CONTEXT,
    );

    // Assert
    expect(context.memory_count).toBe(1);
  });

  it('listSessions() and listSessions(agentId) answer a SessionList', async () => {
    // Arrange
    const s = sdk(client);
    await s.createSession({ agent_id: 'agent_1' });
    await s.createSession({ agent_id: 'agent_2' });

    // Act
    // TypeScript: exactly /api/v1/sessions; Python (httpx, empty params): the same.
    const all = await s.ok(s.call('GET', '/api/v1/sessions'), 200, SESSION_LIST);
    const mine = await s.ok(
      s.call('GET', `/api/v1/sessions?agent_id=${seg('agent_1')}`),
      200,
      SESSION_LIST,
    );

    // Assert
    expect(all.count).toBe(2);
    expect(mine.count).toBe(1);
  });

  it('raises the errors the SDK documents, with the body.error code as the message', async () => {
    // Arrange
    const s = sdk(client);
    await s.registerAgent({ name: 'taken' });
    await s.remember('agent_1', 'once');
    const readKey = await createKey(t, ['read']);

    // Act
    const noKey = await request(t.app).get('/api/v1/agents/x');
    const readOnly = await send(t, client, readKey, 'POST', '/api/v1/agents', { name: 'nope' });
    const badKey = await send(t, client, 'mtk_wrong', 'GET', '/api/v1/agents/x');
    const missing = await s.call('GET', '/api/v1/agents/missing');
    const taken = await s.call('POST', '/api/v1/agents', { name: 'taken' });
    const duplicate = await s.call('POST', '/api/v1/memories', {
      agent_id: 'agent_1',
      memory_type: 'episodic',
      event_type: 'general',
      content: 'once',
    });
    const invalid = await s.call('POST', '/api/v1/memories', {
      agent_id: 'agent_1',
      memory_type: 'episodic',
      event_type: 'general',
    });

    // Assert
    expect(sdkError({ status: noKey.status, body: noKey.body, headers: {} })).toEqual({
      kind: 'AuthenticationError',
      message: 'unauthorized',
      status: 401,
    });
    expect(sdkError(badKey)).toMatchObject({
      kind: 'AuthenticationError',
      message: 'unauthorized',
    });
    expect(sdkError(missing)).toEqual({ kind: 'NotFoundError', message: 'not_found', status: 404 });
    expect(sdkError(readOnly)).toEqual({
      kind: 'MemtraceError',
      message: 'forbidden',
      status: 403,
    });
    expect(sdkError(taken)).toEqual({ kind: 'ConflictError', message: 'conflict', status: 409 });
    expect(sdkError(duplicate)).toMatchObject({ kind: 'ConflictError', message: 'conflict' });
    expect(sdkError(invalid)).toEqual({
      kind: 'MemtraceError',
      message: 'invalid_request',
      status: 400,
    });
    // The sentence is beside the code, for whoever reads the body.
    expect((invalid.body as { message: string }).message).toMatch(/content/);
  });
});

describe('The original Python SDK only', () => {
  const py = () => sdk('python');

  it('list_agents() answers an AgentList', async () => {
    // Arrange
    const s = py();
    await s.registerAgent({ name: 'a1' });
    await s.registerAgent({ name: 'a2' });

    // Act
    const list = await s.ok(s.call('GET', '/api/v1/agents'), 200, AGENT_LIST);

    // Assert
    expect(list.count).toBe(2);
  });

  it('get_agent_memories(agent_id, opts) sends the options, not agent_id, as parameters', async () => {
    // Arrange
    const s = py();
    const agent = await s.registerAgent({ name: 'crawler' });
    await s.remember('crawler', 'one');
    const query = listQuery('python', { limit: 10, since: '2h', order: 'desc' });

    // Act
    const list = await s.ok(
      s.call('GET', `/api/v1/agents/${seg(agent.id)}/memories${query}`),
      200,
      MEMORY_LIST,
    );
    const byName = await s.ok(s.call('GET', '/api/v1/agents/crawler/memories'), 200, MEMORY_LIST);

    // Assert
    expect(list.count).toBe(1);
    expect(byName.count).toBe(1);
  });

  it('get_session_memories(session_id) answers a MemoryList', async () => {
    // Arrange
    const s = py();
    const session = await s.createSession({ agent_id: 'agent_1' });
    await s.addMemory({
      agent_id: 'agent_1',
      session_id: session.id,
      memory_type: 'episodic',
      event_type: 'general',
      content: 'in the session',
    });

    // Act
    const list = await s.ok(
      s.call(
        'GET',
        `/api/v1/sessions/${seg(session.id)}/memories${listQuery('python', { limit: 5 })}`,
      ),
      200,
      MEMORY_LIST,
    );

    // Assert
    expect((list.memories as { session_id: string }[])[0]?.session_id).toBe(session.id);
  });

  it('delete_agent(agent_id) gets the 204 it reads as None', async () => {
    // Arrange
    const s = py();
    const agent = await s.registerAgent({ name: 'gone' });

    // Act
    const res = await s.call('DELETE', `/api/v1/agents/${seg(agent.id)}`);
    const after = await s.call('GET', `/api/v1/agents/${seg(agent.id)}`);

    // Assert
    expect(res.status).toBe(204);
    expect(sdkError(after).kind).toBe('NotFoundError');
  });
});

describe('The spec’s other key header', () => {
  it('accepts Authorization: Bearer as well as x-api-key', async () => {
    // Act
    const res = await request(t.app)
      .post('/api/v1/agents')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'bearer' }));

    // Assert
    expect(res.status).toBe(201);
    expectType(AGENT, res.body);
  });
});
