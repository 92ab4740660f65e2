import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  Memtrace,
  MemtraceError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  type ContextOptions,
} from '../../../sdk/typescript/src/index.js';

/**
 * The TypeScript SDK against a mocked global fetch: request shapes (the Go-era SDK's test
 * checklist) and the mapping of error responses to typed errors.
 */

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

let calls: Call[];
let reply: () => Response;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

beforeEach(() => {
  calls = [];
  reply = () => json(200, {});
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({
      url,
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return reply();
  });
});
afterEach(() => vi.unstubAllGlobals());

const BASE = 'http://127.0.0.1:9100';
const client = () => new Memtrace(BASE, 'mtk_test');
const lastCall = (): Call => {
  const call = calls.at(-1);
  if (!call) throw new Error('fetch was not called');
  return call;
};

describe('Memtrace.constructor', () => {
  it('strips trailing slashes when the base URL has them', async () => {
    // Act
    await new Memtrace(`${BASE}//`, 'mtk_test').getAgent('a');

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/agents/a`);
  });
});

describe('Memtrace.remember', () => {
  it('posts an episodic general memory when given an agent and content', async () => {
    // Act
    await client().remember('my_agent', 'Crawled https://example.com');

    // Assert
    expect(lastCall()).toMatchObject({
      url: `${BASE}/api/v1/memories`,
      method: 'POST',
      body: {
        agent_id: 'my_agent',
        content: 'Crawled https://example.com',
        memory_type: 'episodic',
        event_type: 'general',
      },
    });
  });
});

describe('Memtrace.recall', () => {
  it('lists the last 24h, 100 newest first when since is not given', async () => {
    // Arrange
    reply = () => json(200, { memories: [{ memory_id: 'mem_1' }], count: 1, has_more: false });

    // Act
    const memories = await client().recall('my_agent');

    // Assert
    const url = new URL(lastCall().url);
    expect(url.pathname).toBe('/api/v1/memories');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      agent_id: 'my_agent',
      since: '24h',
      limit: '100',
      order: 'desc',
    });
    expect(lastCall().body).toBeUndefined();
    expect(memories).toEqual([{ memory_id: 'mem_1' }]);
  });

  it('uses the given window when since is given', async () => {
    // Act
    await client().recall('my_agent', '7d');

    // Assert
    expect(lastCall().url).toContain('since=7d');
  });
});

describe('Memtrace.decide', () => {
  it('stores a decision with the reasoning in metadata when called', async () => {
    // Act
    await client().decide('my_agent', 'Focus on category A', 'Higher engagement');

    // Assert
    expect(lastCall().body).toEqual({
      agent_id: 'my_agent',
      content: 'Focus on category A',
      memory_type: 'decision',
      event_type: 'decision',
      metadata: { reasoning: 'Higher engagement' },
    });
  });
});

describe('Memtrace.addMemories', () => {
  it('sends {memories} and returns the stored array when given two items', async () => {
    // Arrange
    reply = () =>
      json(201, {
        memories: [{ memory_id: 'mem_1' }, { memory_id: 'mem_2' }],
        count: 2,
        duplicates: 0,
        duplicate_of: [],
      });
    const items = [
      { agent_id: 'a', content: 'one' },
      { agent_id: 'a', content: 'two' },
    ];

    // Act
    const stored = await client().addMemories(items);

    // Assert
    expect(lastCall().body).toEqual({ memories: items });
    expect(stored).toHaveLength(2);
  });
});

describe('Memtrace.listMemories', () => {
  it('sends filters as query parameters and lists as comma-separated when given them', async () => {
    // Act
    await client().listMemories({
      agent_id: 'a',
      session_id: 's',
      memory_type: ['episodic', 'decision'],
      tags: ['x', 'y'],
      since: '1h',
      limit: 10,
      offset: 5,
      order: 'asc',
    });

    // Assert
    const url = new URL(lastCall().url);
    expect(url.pathname).toBe('/api/v1/memories');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      agent_id: 'a',
      session_id: 's',
      memory_type: 'episodic,decision',
      tags: 'x,y',
      since: '1h',
      limit: '10',
      offset: '5',
      order: 'asc',
    });
  });

  it('sends a keyword search as q and order relevance when given them', async () => {
    // Act
    await client().listMemories({ q: 'deploy* "staging server"', order: 'relevance' });

    // Assert
    const url = new URL(lastCall().url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: 'deploy* "staging server"',
      order: 'relevance',
    });
    expect(url.search).toBe('?q=deploy*%20%22staging%20server%22&order=relevance');
  });

  it('leaves out limit and offset when they are 0', async () => {
    // Act
    await client().listMemories({ limit: 0, offset: 0 });

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/memories`);
  });
});

describe('Memtrace.listSessions', () => {
  it('calls exactly /api/v1/sessions when given no agent', async () => {
    // Act
    await client().listSessions();

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/sessions`);
  });

  it('escapes the agent id with %20 when it contains spaces', async () => {
    // Act
    await client().listSessions('agent with spaces');

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/sessions?agent_id=agent%20with%20spaces`);
  });
});

describe('Memtrace.getSessionContext', () => {
  it('posts an empty object when given no options', async () => {
    // Act
    await client().getSessionContext('sess_1');

    // Assert
    expect(lastCall()).toMatchObject({
      url: `${BASE}/api/v1/sessions/sess_1/context`,
      method: 'POST',
      body: {},
    });
  });

  it('posts the options when given them', async () => {
    // Arrange
    const options: ContextOptions = {
      since: '4h',
      include_types: ['episodic', 'decision'],
      max_tokens: 2000,
      query: 'deploy rollback',
    };

    // Act
    await client().getSessionContext('sess_1', options);

    // Assert
    expect(lastCall().body).toEqual(options);
  });
});

describe('Memtrace.closeSession', () => {
  it('puts status closed and returns the closed session when called', async () => {
    // Arrange
    reply = () => json(200, { session_id: 'sess_1', status: 'closed' });

    // Act
    const session = await client().closeSession('sess_1');

    // Assert
    expect(lastCall()).toMatchObject({ method: 'PUT', body: { status: 'closed' } });
    expect(session.status).toBe('closed');
  });
});

describe('Memtrace.getAgent', () => {
  it('escapes path parameters when they contain slashes', async () => {
    // Act
    await client().getAgent('a/b/c');

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/agents/a%2Fb%2Fc`);
  });
});

describe('Memtrace.deleteAgent', () => {
  it('resolves to undefined when the answer is 204', async () => {
    // Arrange
    reply = () => new Response(null, { status: 204 });

    // Act
    const result = await client().deleteAgent('agent_1');

    // Assert
    expect(lastCall().method).toBe('DELETE');
    expect(result).toBeUndefined();
  });
});

describe('Memtrace.deleteAgent cascade', () => {
  it('sends cascade=true and returns the counts when asked to cascade', async () => {
    // Arrange
    const counts = {
      agent_id: 'agent_1',
      name: 'crawler',
      deleted: true,
      cascade: true,
      memories_deleted: 3,
      sessions_deleted: 1,
    };
    reply = () => json(200, counts);

    // Act
    const result = await client().deleteAgent('agent_1', { cascade: true });

    // Assert
    expect(lastCall()).toMatchObject({
      method: 'DELETE',
      url: `${BASE}/api/v1/agents/agent_1?cascade=true`,
    });
    expect(result).toEqual(counts);
  });

  it('sends no query when cascade is false', async () => {
    // Arrange
    reply = () => new Response(null, { status: 204 });

    // Act
    const result = await client().deleteAgent('agent_1', { cascade: false });

    // Assert
    expect(lastCall().url).toBe(`${BASE}/api/v1/agents/agent_1`);
    expect(result).toBeUndefined();
  });
});

describe('Memtrace.deleteSession', () => {
  it('sends DELETE to the escaped session path and resolves to undefined when the answer is 204', async () => {
    // Arrange
    reply = () => new Response(null, { status: 204 });

    // Act
    const result = await client().deleteSession('sess/1');

    // Assert
    expect(lastCall()).toMatchObject({ method: 'DELETE', url: `${BASE}/api/v1/sessions/sess%2F1` });
    expect(result).toBeUndefined();
  });
});

describe('Memtrace.deleteMemory', () => {
  it('sends DELETE to the escaped memory path and resolves to undefined when the answer is 204', async () => {
    // Arrange
    reply = () => new Response(null, { status: 204 });

    // Act
    const result = await client().deleteMemory('mem/1');

    // Assert
    expect(lastCall()).toMatchObject({ method: 'DELETE', url: `${BASE}/api/v1/memories/mem%2F1` });
    expect(result).toBeUndefined();
  });
});

describe('Memtrace.forget', () => {
  it('posts the filter as given and returns the answer when called', async () => {
    // Arrange
    reply = () => json(200, { would_delete: 3, dry_run: true });

    // Act
    const result = await client().forget({ agent_id: 'a', tags: ['x'], dry_run: true });

    // Assert
    expect(lastCall()).toMatchObject({
      method: 'POST',
      url: `${BASE}/api/v1/memories/forget`,
      body: { agent_id: 'a', tags: ['x'], dry_run: true },
    });
    expect(result).toEqual({ would_delete: 3, dry_run: true });
  });
});

describe('Memtrace.updateMemory', () => {
  it('sends PATCH with the patch as given to the escaped memory path and returns the memory', async () => {
    // Arrange
    reply = () => json(200, { memory_id: 'mem/1', pinned: true });

    // Act
    const result = await client().updateMemory('mem/1', {
      importance: 0.9,
      metadata: { draft: null },
      pinned: true,
      expires_at: null,
    });

    // Assert
    expect(lastCall()).toMatchObject({
      method: 'PATCH',
      url: `${BASE}/api/v1/memories/mem%2F1`,
      headers: { 'Content-Type': 'application/json' },
      body: { importance: 0.9, metadata: { draft: null }, pinned: true, expires_at: null },
    });
    expect(result).toEqual({ memory_id: 'mem/1', pinned: true });
  });
});

describe('Memtrace.history', () => {
  it('gets the escaped history path and returns the chain', async () => {
    // Arrange
    reply = () => json(200, { memories: [{ memory_id: 'a' }, { memory_id: 'b' }], count: 2 });

    // Act
    const result = await client().history('mem/1');

    // Assert
    expect(lastCall()).toMatchObject({
      method: 'GET',
      url: `${BASE}/api/v1/memories/mem%2F1/history`,
    });
    expect(result).toEqual([{ memory_id: 'a' }, { memory_id: 'b' }]);
  });
});

describe('Memtrace.addMemory with supersedes', () => {
  it('sends supersedes in the body and include_superseded as a list query parameter', async () => {
    // Act
    await client().addMemory({ agent_id: 'a', content: 'right', supersedes: 'mem_1' });
    const posted = lastCall();
    await client().listMemories({ include_superseded: true });

    // Assert
    expect(posted.body).toEqual({ agent_id: 'a', content: 'right', supersedes: 'mem_1' });
    expect(lastCall().url).toBe(`${BASE}/api/v1/memories?include_superseded=true`);
  });
});

describe('Memtrace.request headers', () => {
  it('sends x-api-key always and Content-Type only with a body', async () => {
    // Act
    await client().getSession('sess_1');
    const get = lastCall();
    await client().remember('a', 'b');
    const post = lastCall();

    // Assert
    expect(get.headers).toEqual({ 'x-api-key': 'mtk_test' });
    expect(post.headers).toEqual({ 'x-api-key': 'mtk_test', 'Content-Type': 'application/json' });
  });
});

describe('Memtrace errors', () => {
  const cases = [
    [400, ValidationError, 'invalid_request'],
    [401, AuthenticationError, 'unauthorized'],
    [403, PermissionError, 'forbidden'],
    [404, NotFoundError, 'not_found'],
    [409, ConflictError, 'conflict'],
    [429, RateLimitError, 'rate_limited'],
    [503, UnavailableError, 'unavailable'],
  ] as const;

  it.each(cases)('throws the typed error when the status is %i', async (status, Class, code) => {
    // Arrange
    reply = () => json(status, { error: code, message: `the ${code} text`, request_id: 'r' });

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).toMatchObject({ statusCode: status, code, message: `the ${code} text` });
  });

  it('carries the stored memory id when a 409 is a duplicate', async () => {
    // Arrange
    reply = () =>
      json(409, { error: 'conflict', message: 'duplicate memory', memory_id: 'mem_abc' });

    // Act
    const error = await client()
      .remember('a', 'b')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).memoryId).toBe('mem_abc');
  });

  it('keeps the status in a plain MemtraceError when the status is 500', async () => {
    // Arrange
    reply = () => json(500, { error: 'internal_error', message: 'internal error' });

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).not.toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ statusCode: 500, message: 'internal error' });
  });

  it('uses a text body as the message when a 502 is not JSON', async () => {
    // Arrange
    reply = () => new Response('Bad Gateway from the proxy', { status: 502 });

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ statusCode: 502, message: 'Bad Gateway from the proxy' });
  });

  it('uses the error field as the message when the body is the Go-era {"error": text}', async () => {
    // Arrange
    reply = () => json(404, { error: 'agent not found' });

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('agent not found');
  });

  it('says HTTP <status> when the body is empty', async () => {
    // Arrange
    reply = () => new Response(null, { status: 418 });

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ statusCode: 418, message: 'HTTP 418' });
  });

  it('throws a MemtraceError with status 0 when the network fails', async () => {
    // Arrange
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));

    // Act
    const error = await client()
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).toMatchObject({ statusCode: 0 });
    expect((error as Error).message).toContain('fetch failed');
  });

  it('throws a MemtraceError with status 0 when the timeout passes', async () => {
    // Arrange: a fetch that only ends when aborted
    vi.stubGlobal(
      'fetch',
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );

    // Act
    const error = await new Memtrace(BASE, 'k', { timeout: 20 })
      .getAgent('a')
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).toMatchObject({ statusCode: 0, message: 'request timed out after 20 ms' });
  });
});
