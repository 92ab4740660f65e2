import { beforeEach, describe, expect, it } from 'vitest';
import { gptTokenCounters } from '../../adapters/tokenizer/gpt-token-counter.js';
import { formatSessionContext, type Memory } from '../../domain/index.js';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

const counter = gptTokenCounters()('o200k_base');

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

// `id` and `org_id` are the original memtrace SDKs' names for a session (see README).
const SESSION_FIELDS = [
  'session_id',
  'id',
  'org_id',
  'agent_id',
  'status',
  'created_at',
  'updated_at',
  'closed_at',
  'metadata',
].sort();

async function newSession(body: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/sessions', { agent_id: 'agent_abc', ...body });
  expect(res.status).toBe(201);
  return res.body as { session_id: string } & Record<string, unknown>;
}

async function remember(sessionId: string, memoryType: string, content: string, extra = {}) {
  const res = await api.post('/api/v1/memories', {
    agent_id: 'agent_abc',
    session_id: sessionId,
    memory_type: memoryType,
    content,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body as { memory_id: string };
}

describe('SessionRoutes.create', () => {
  it('returns 201 with an active session when the agent was never registered', async () => {
    // Act
    const res = await api.post('/api/v1/sessions', {
      agent_id: 'agent_abc',
      metadata: { task: 'product_research' },
    });

    // Assert
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(SESSION_FIELDS);
    expect(res.body).toMatchObject({
      agent_id: 'agent_abc',
      status: 'active',
      created_at: '2026-02-13T10:30:00.000Z',
      updated_at: '2026-02-13T10:30:00.000Z',
      closed_at: null,
      metadata: { task: 'product_research' },
    });
    expect(res.body.session_id).toMatch(/^sess_[0-9a-f]{24}$/);
  });

  it('defaults metadata to {} when none is given', async () => {
    // Act
    const res = await api.post('/api/v1/sessions', { agent_id: 'a' });

    // Assert
    expect(res.body.metadata).toEqual({});
  });

  it.each([
    [{}, 'agent_id is required'],
    [{ agent_id: 42 }, 'agent_id must be a string'],
    [
      { agent_id: 'a b' },
      "agent_id must start with a letter and contain only letters, digits, '_' or '-' (at most 128 characters)",
    ],
    [{ agent_id: 'a', metadata: 'x' }, 'metadata must be a JSON object'],
    [{ agent_id: 'a', status: 'closed' }, 'status is not a known field'],
  ])('returns 400 when the body is %j', async (body, message) => {
    // Act
    const res = await api.post('/api/v1/sessions', body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('SessionRoutes.list', () => {
  it('returns sessions newest first with count and has_more when listed', async () => {
    // Arrange
    await newSession({ agent_id: 'agent_abc' });
    t.clock.advance(1000);
    const second = await newSession({ agent_id: 'agent_other' });
    t.clock.advance(1000);
    const third = await newSession({ agent_id: 'agent_abc' });

    // Act
    const all = await api.get('/api/v1/sessions?limit=2');
    const mine = await api.get('/api/v1/sessions?agent_id=agent_abc');

    // Assert
    expect(all.status).toBe(200);
    expect(all.body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      third.session_id,
      second.session_id,
    ]);
    expect(all.body).toMatchObject({ count: 3, has_more: true });
    expect(mine.body.count).toBe(2);
    expect(Object.keys(all.body.sessions[0]).sort()).toEqual(SESSION_FIELDS);
  });

  it('filters by status when status is given', async () => {
    // Arrange
    const closed = await newSession();
    await newSession();
    await api.put(`/api/v1/sessions/${closed.session_id}`, { status: 'closed' });

    // Act
    const res = await api.get('/api/v1/sessions?status=closed');

    // Assert
    expect(res.body.count).toBe(1);
    expect(res.body.sessions[0].session_id).toBe(closed.session_id);
  });

  it.each([
    ['status=open', "status must be 'active' or 'closed'"],
    ['limit=0', 'limit must be an integer from 1 to 1000'],
    ['limit=1001', 'limit must be an integer from 1 to 1000'],
    ['agent=agent_abc', 'agent is not a known field'],
  ])('returns 400 when the query is %s', async (query, message) => {
    // Act
    const res = await api.get(`/api/v1/sessions?${query}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('SessionRoutes.get', () => {
  it('returns the session when it exists', async () => {
    // Arrange
    const session = await newSession({ metadata: { task: 'x' } });

    // Act
    const res = await api.get(`/api/v1/sessions/${session.session_id}`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual(session);
  });

  it('returns 404 when the session is unknown', async () => {
    // Act
    const res = await api.get('/api/v1/sessions/sess_000000000000000000000000');

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'session not found' });
  });
});

describe('SessionRoutes.update', () => {
  it('sets closed_at and updated_at when the session is closed', async () => {
    // Arrange
    const session = await newSession();
    t.clock.advance(60_000);

    // Act
    const res = await api.put(`/api/v1/sessions/${session.session_id}`, { status: 'closed' });

    // Assert
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(SESSION_FIELDS);
    expect(res.body).toMatchObject({
      status: 'closed',
      closed_at: '2026-02-13T10:31:00.000Z',
      updated_at: '2026-02-13T10:31:00.000Z',
      created_at: '2026-02-13T10:30:00.000Z',
    });
  });

  it('clears closed_at when a closed session is reopened', async () => {
    // Arrange
    const session = await newSession();
    await api.put(`/api/v1/sessions/${session.session_id}`, { status: 'closed' });

    // Act
    const res = await api.put(`/api/v1/sessions/${session.session_id}`, { status: 'active' });

    // Assert
    expect(res.body).toMatchObject({ status: 'active', closed_at: null });
  });

  it('merges metadata and removes keys set to null when metadata is patched', async () => {
    // Arrange
    const session = await newSession({ metadata: { task: 'research', step: 1, keep: true } });

    // Act
    const res = await api.put(`/api/v1/sessions/${session.session_id}`, {
      metadata: { step: 2, task: null, extra: { nested: null } },
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ step: 2, keep: true, extra: { nested: null } });
    expect(res.body.status).toBe('active');
    const fetched = await api.get(`/api/v1/sessions/${session.session_id}`);
    expect(fetched.body.metadata).toEqual(res.body.metadata);
  });

  it('returns 404 when the session is unknown', async () => {
    // Act
    const res = await api.put('/api/v1/sessions/sess_000000000000000000000000', {
      status: 'closed',
    });

    // Assert
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it.each([
    [{}, 'status or metadata is required'],
    [{ status: 'done' }, "status must be 'active' or 'closed'"],
    [{ status: true }, 'status must be a string'],
    [{ metadata: [1] }, 'metadata must be a JSON object'],
    [{ status: 'closed', agent_id: 'b' }, 'agent_id is not a known field'],
  ])('returns 400 when the update is %j', async (body, message) => {
    // Arrange
    const session = await newSession();

    // Act
    const res = await api.put(`/api/v1/sessions/${session.session_id}`, body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('SessionRoutes.memories', () => {
  it('lists the memories of the session when it has some', async () => {
    // Arrange
    const session = await newSession();
    await remember(session.session_id, 'episodic', 'in session');
    await remember('sess_elsewhere', 'episodic', 'elsewhere');

    // Act
    const res = await api.get(`/api/v1/sessions/${session.session_id}/memories`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.memories.map((m: { content: string }) => m.content)).toEqual(['in session']);
    expect(res.body).toMatchObject({ count: 1, has_more: false });
  });

  it('applies list filters when memory_type and limit are given', async () => {
    // Arrange
    await remember('sess_notes', 'episodic', 'e1');
    await remember('sess_notes', 'decision', 'd1');
    await remember('sess_notes', 'decision', 'd2');

    // Act
    const res = await api.get(
      '/api/v1/sessions/sess_notes/memories?memory_type=decision&limit=1&order=asc',
    );

    // Assert
    expect(res.body.memories.map((m: { content: string }) => m.content)).toEqual(['d1']);
    expect(res.body).toMatchObject({ count: 2, has_more: true });
  });

  it('returns an empty list when a created session has no memories', async () => {
    // Arrange
    const session = await newSession();

    // Act
    const res = await api.get(`/api/v1/sessions/${session.session_id}/memories`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ memories: [], count: 0, has_more: false, next_cursor: null });
  });

  it('returns 404 when the session is unknown', async () => {
    // Act
    const res = await api.get('/api/v1/sessions/sess_nope/memories');

    // Assert
    expect(res.status).toBe(404);
  });

  it('returns 400 when session_id is also given as a parameter', async () => {
    // Act
    const res = await api.get('/api/v1/sessions/sess_x/memories?session_id=sess_y');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('session_id is not a known field');
  });
});

describe('SessionRoutes.context', () => {
  it('renders the sections in the spec order and format when the session has memories', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    await remember(id, 'episodic', 'Crawled https://example.com — found 3 product pages');
    t.clock.advance(1000);
    await remember(id, 'decision', 'Decided to focus on product category A');
    t.clock.advance(1000);
    await remember(id, 'entity', 'Product X: High engagement');
    t.clock.advance(1000);
    await remember(id, 'session', 'User prefers short answers');
    t.clock.advance(1000);
    await remember(id, 'episodic', 'Extracted pricing data from 3 pages');

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, {});

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context).toBe(
      [
        `## Session Context (${id})`,
        '',
        '### Recent Actions (2)',
        '- Extracted pricing data from 3 pages',
        '- Crawled https://example.com — found 3 product pages',
        '',
        '### Decisions (1)',
        '- Decided to focus on product category A',
        '',
        '### Entities (1)',
        '- Product X: High engagement',
        '',
        '### Session Notes (1)',
        '- User prefers short answers',
      ].join('\n'),
    );
    expect(res.body).toMatchObject({ session_id: id, memory_count: 5, omitted_count: 0 });
    expect(res.body.tokens).toBe(counter.countTokens(res.body.context));
    expect(res.body.estimated_tokens).toBe(res.body.tokens);
    expect(res.body.truncated).toBe(false);
  });

  it('lists oldest first when order is asc', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    await remember(id, 'episodic', 'first');
    t.clock.advance(1000);
    await remember(id, 'episodic', 'second');

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, { order: 'asc' });

    // Assert
    expect(res.body.context).toContain('- first\n- second');
  });

  it('keeps only the included types when include_types is given', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    await remember(id, 'episodic', 'an action');
    await remember(id, 'decision', 'a decision');
    await remember(id, 'entity', 'an entity');

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, {
      include_types: ['episodic', 'decision'],
    });

    // Assert
    expect(res.body.context).toContain('### Recent Actions (1)');
    expect(res.body.context).toContain('### Decisions (1)');
    expect(res.body.context).not.toContain('Entities');
    expect(res.body.memory_count).toBe(2);
  });

  it('drops the excluded types when exclude_types is given', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    await remember(id, 'episodic', 'an action');
    await remember(id, 'entity', 'an entity');

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, { exclude_types: ['entity'] });

    // Assert
    expect(res.body.context).not.toContain('an entity');
    expect(res.body.memory_count).toBe(1);
  });

  it('bounds the memories by time when since and until are given', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    await remember(id, 'episodic', 'five hours ago');
    t.clock.advance(2 * 3_600_000);
    await remember(id, 'episodic', 'three hours ago');
    t.clock.advance(2 * 3_600_000);
    await remember(id, 'episodic', 'one hour ago');
    t.clock.advance(3_600_000);

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, { since: '4h', until: '1h' });

    // Assert
    expect(res.body.context).toContain('- three hours ago');
    expect(res.body.context).not.toContain('five hours ago');
    expect(res.body.context).not.toContain('one hour ago');
    expect(res.body.memory_count).toBe(1);
  });

  it('stays within max_tokens without cutting a line when the budget is small', async () => {
    // Arrange
    const { session_id: id } = await newSession();
    for (let i = 0; i < 20; i++) {
      await remember(id, 'episodic', `action number ${i} ${'x'.repeat(40)}`, {
        importance: i / 20,
      });
      t.clock.advance(1000);
    }

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, { max_tokens: 60 });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context.length).toBeLessThanOrEqual(60 * 4);
    const lines = (res.body.context as string).split('\n').filter((l) => l.startsWith('- '));
    for (const line of lines) expect(line).toMatch(/^- action number \d+ x{40}$/);
    expect(lines.length).toBe(res.body.memory_count);
    expect(res.body.memory_count + res.body.omitted_count).toBe(20);
    expect(res.body.omitted_count).toBeGreaterThan(0);
    expect(res.body.context).toContain('action number 19');
  });

  it('keeps what the budget keeps over the whole session in a large session of mixed lengths', async () => {
    // Arrange: 600 memories in 6 batches (a batch shares one time), of 1 to 200 characters,
    // some multi-line or beyond ASCII, with importances that tie often.
    const { session_id: id } = await newSession();
    const fillers = ['x', 'é', '😀', 'line\nnext', 'crlf\r\nend'];
    const types = ['episodic', 'decision', 'entity', 'session'];
    for (let b = 0; b < 6; b++) {
      const memories = Array.from({ length: 100 }, (_, j) => {
        const i = b * 100 + j;
        const filler = fillers[i % fillers.length] as string;
        return {
          agent_id: 'agent_abc',
          session_id: id,
          memory_type: types[(i * 7) % 4],
          content: `${i}${filler.repeat((i * 37) % 40)}`,
          importance: ((i * 13) % 5) / 4,
        };
      });
      const res = await api.post('/api/v1/memories', { memories });
      expect(res.status).toBe(201);
      t.clock.advance(1000);
    }
    const stored: Memory[] = [];
    for (const offset of [0, 500]) {
      const page = await api.get(`/api/v1/memories?session_id=${id}&limit=500&offset=${offset}`);
      for (const m of page.body.memories as Record<string, unknown>[]) {
        stored.push({
          ...(m as unknown as Memory),
          id: m.memory_id as string,
          memoryType: m.memory_type as Memory['memoryType'],
          time: Date.parse(m.time as string),
        });
      }
    }
    expect(stored).toHaveLength(600);

    for (const request of [
      { max_tokens: 40 },
      { max_tokens: 300 },
      { max_tokens: 2000, order: 'asc' },
      { max_tokens: 500, include_types: ['decision', 'entity'] },
    ]) {
      // The budget applied to the whole session, in the list's order (newest first).
      const wanted = stored.filter(
        (m) => !request.include_types || request.include_types.includes(m.memoryType),
      );
      const inOrder = request.order === 'asc' ? [...wanted].reverse() : wanted;
      const expected = formatSessionContext(id, inOrder, {
        maxTokens: request.max_tokens,
        counter,
        order: request.order === 'asc' ? 'asc' : 'desc',
      });

      // Act
      const res = await api.post(`/api/v1/sessions/${id}/context`, request);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.context).toBe(expected.context);
      expect(res.body.memory_count).toBe(expected.included);
      expect(res.body.omitted_count).toBe(expected.omitted);
      expect(res.body.tokens).toBe(expected.tokens);
      expect(res.body.tokens).toBeLessThanOrEqual(request.max_tokens);
      expect(expected.included).toBeGreaterThan(0);
      expect(expected.omitted).toBeGreaterThan(0);
    }
  });

  it('works for a session id when only memories use it', async () => {
    // Arrange
    await remember('sess_never_created', 'decision', 'a decision');

    // Act
    const res = await api.post('/api/v1/sessions/sess_never_created/context', {});

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context).toBe(
      '## Session Context (sess_never_created)\n\n### Decisions (1)\n- a decision',
    );
  });

  it('returns the header alone when the created session has no memories', async () => {
    // Arrange
    const { session_id: id } = await newSession();

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      session_id: id,
      context: `## Session Context (${id})`,
      memory_count: 0,
      omitted_count: 0,
    });
  });

  it('returns 404 when the session is unknown', async () => {
    // Act
    const res = await api.post('/api/v1/sessions/sess_unknown/context', {});

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'session not found' });
  });

  it.each([
    [{ max_tokens: 0 }, 'max_tokens must be a positive integer'],
    [{ max_tokens: 1.5 }, 'max_tokens must be a positive integer'],
    [{ max_tokens: '2000' }, 'max_tokens must be a number'],
    [
      { include_types: ['facts'] },
      'include_types[0] must be one of episodic, session, decision, entity',
    ],
    [{ exclude_types: 'entity' }, 'exclude_types must be an array of strings'],
    [
      { since: '4 hours' },
      "since must be a relative time (30m, 2h, 7d, 1w) or an ISO 8601 timestamp, got '4 hours'",
    ],
    [{ order: 'up' }, "order must be 'asc' or 'desc'"],
    [{ limit: 5 }, 'limit is not a known field'],
  ])('returns 400 when the context request is %j', async (body, message) => {
    // Arrange
    const { session_id: id } = await newSession();

    // Act
    const res = await api.post(`/api/v1/sessions/${id}/context`, body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});
