import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/**
 * Ranked keyword search over HTTP (`query` on POST /api/v1/search, `q` on the memory lists), on
 * whatever driver MEMTRACE_TEST_DRIVER names. Scores are on each driver's own scale, so only
 * their order, sign and agreement between routes are asserted.
 */

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

interface Result {
  readonly memory_id: string;
  readonly content: string;
  readonly score?: number;
}

/** Records memories in one batch and returns their ids, in order. */
async function write(...memories: (string | Record<string, unknown>)[]): Promise<string[]> {
  const items = memories.map((m) =>
    typeof m === 'string' ? { agent_id: 'agent_1', content: m } : { agent_id: 'agent_1', ...m },
  );
  const res = await api.post('/api/v1/memories', { memories: items });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body.memories as Result[]).map((m) => m.memory_id);
}

async function search(body: Record<string, unknown>): Promise<{
  results: Result[];
  count: number | null;
  next: string | null;
}> {
  const res = await api.post('/api/v1/search', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    results: res.body.results as Result[],
    count: res.body.count as number | null,
    next: res.body.next_cursor as string | null,
  };
}

async function list(query: string): Promise<{ memories: Result[]; count: number | null }> {
  const res = await api.get(`/api/v1/memories?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { memories: res.body.memories as Result[], count: res.body.count as number | null };
}

const ids = (rs: readonly Result[]) => rs.map((r) => r.memory_id);

describe('HttpApi.search with a keyword query', () => {
  it('ranks matches by relevance and gives each a positive score, leaving out non-matches', async () => {
    // Arrange
    const [short, long, , twice] = await write(
      'deploy',
      'deploy failed on the staging cluster after the long schema migration of the night',
      'rollback of the staging cluster',
      'deploy then deploy again after the long schema migration of the night',
    );

    // Act
    const { results, count } = await search({ query: 'deploy' });

    // Assert
    expect(count).toBe(3);
    expect(ids(results)).toEqual([short, twice, long]);
    for (const r of results) expect(r.score).toBeGreaterThan(0);
    const scores = results.map((r) => r.score as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('leaves score out of every result and memory when no query is given', async () => {
    // Arrange
    await write('deploy', 'rollback');

    // Act
    const searched = await search({});
    const listed = await list('agent_id=agent_1');

    // Assert
    expect(searched.results).toHaveLength(2);
    for (const r of [...searched.results, ...listed.memories])
      expect(r).not.toHaveProperty('score');
  });

  it('answers GET /memories?q= exactly as POST /search with the same query and filters', async () => {
    // Arrange
    await write(
      { content: 'deploy staging', tags: ['ops'] },
      { content: 'deploy staging again and again', tags: ['ops'] },
      { content: 'deploy production', tags: ['ops', 'prod'] },
      { content: 'deploy staging', agent_id: 'agent_2', tags: ['ops'] },
      { content: 'staging rollback', tags: ['ops'] },
    );
    const q = 'deploy staging OR production';

    // Act
    const posted = await search({ query: q, agent_id: 'agent_1', tags: ['ops'] });
    const got = await list(`q=${encodeURIComponent(q)}&agent_id=agent_1&tags=ops`);
    const byAgent = await api.get(`/api/v1/agents/agent_1/memories?q=${encodeURIComponent(q)}`);

    // Assert
    expect(posted.count).toBe(3);
    expect(got.count).toBe(posted.count);
    expect(got.memories).toEqual(posted.results);
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.memories).toEqual(posted.results);
  });

  it('combines the query with every structured filter', async () => {
    // Arrange
    const old = Date.UTC(2026, 0, 1);
    const [match] = await write(
      { content: 'kiwi harvest', tags: ['fruit'], importance: 0.9, memory_type: 'decision' },
      { content: 'kiwi harvest', tags: ['fruit'], importance: 0.1, memory_type: 'decision' },
      { content: 'kiwi harvest', tags: ['veg'], importance: 0.9, memory_type: 'decision' },
      { content: 'kiwi harvest', tags: ['fruit'], importance: 0.9, memory_type: 'episodic' },
      { content: 'kiwi harvest', tags: ['fruit'], importance: 0.9, agent_id: 'agent_2' },
      {
        content: 'kiwi harvest',
        tags: ['fruit'],
        importance: 0.9,
        time: new Date(old).toISOString(),
      },
      { content: 'kiwi crop', tags: ['fruit'], importance: 0.9, memory_type: 'decision' },
      { content: 'apple harvest', tags: ['fruit'], importance: 0.9, memory_type: 'decision' },
    );
    const filters = {
      agent_id: 'agent_1',
      tags: ['fruit'],
      min_importance: 0.5,
      memory_types: ['decision'],
      since: '2026-02-01',
      content_contains: 'harvest',
    };

    // Act
    const { results, count } = await search({ ...filters, query: 'kiwi' });

    // Assert
    expect(ids(results)).toEqual([match]);
    expect(count).toBe(1);
  });

  it('pages a relevance order by next_cursor, every match exactly once and in the order of one page', async () => {
    // Arrange: many ties in score (same content length and count), at one instant and later ones.
    const contents = Array.from(
      { length: 23 },
      (_, i) => `${'alpha '.repeat(1 + (i % 4))}item ${String(i).padStart(2, '0')}`,
    );
    await write(...contents.slice(0, 12));
    t.clock.advance(1_000);
    await write(...contents.slice(12), 'beta only', 'gamma');
    const whole = await search({ query: 'alpha', limit: 1000 });

    // Act
    const paged: Result[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: Awaited<ReturnType<typeof search>> = await search({
        query: 'alpha',
        limit: 4,
        ...(cursor === null ? {} : { cursor }),
      });
      paged.push(...page.results);
      cursor = page.next;
      if (cursor === null) break;
    }
    const listed: Result[] = [];
    let listCursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await api.get(
        `/api/v1/memories?q=alpha&limit=5${listCursor === null ? '' : `&cursor=${encodeURIComponent(listCursor)}`}`,
      );
      expect(res.status).toBe(200);
      listed.push(...(res.body.memories as Result[]));
      listCursor = res.body.next_cursor as string | null;
      if (listCursor === null) break;
    }

    // Assert
    expect(whole.count).toBe(23);
    expect(new Set(ids(paged)).size).toBe(23);
    expect(paged).toEqual(whole.results);
    expect(listed).toEqual(whole.results);
  });

  it('continues a relevance page only with the same query, and refuses relevance without one', async () => {
    // Arrange
    await write('alpha one', 'alpha two', 'alpha three');
    const first = await search({ query: 'alpha', limit: 1 });

    // Act
    const otherQuery = await api.post('/api/v1/search', {
      query: 'alpha two',
      cursor: first.next,
    });
    const timeOrder = await api.post('/api/v1/search', {
      query: 'alpha',
      order: 'desc',
      cursor: first.next,
    });
    const noQuery = await api.post('/api/v1/search', { order: 'relevance' });
    const noQ = await api.get('/api/v1/memories?order=relevance');

    // Assert
    expect(first.next).not.toBeNull();
    expect(otherQuery.status).toBe(400);
    expect(otherQuery.body.message).toMatch(/^cursor belongs to another query/);
    expect(timeOrder.status).toBe(400);
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.message).toBe("order 'relevance' needs a query");
    expect(noQ.status).toBe(400);
    expect(noQ.body.message).toBe("order 'relevance' needs a query (q)");
  });

  it('orders by time with order asc or desc and still gives each result its score', async () => {
    // Arrange
    const [a] = await write('alpha alpha alpha');
    t.clock.advance(1_000);
    const [b] = await write('alpha with many more words after it');

    // Act
    const desc = await search({ query: 'alpha', order: 'desc' });
    const asc = await list('q=alpha&order=asc');
    const relevance = await search({ query: 'alpha', order: 'relevance' });

    // Assert
    expect(ids(desc.results)).toEqual([b, a]);
    expect(ids(asc.memories)).toEqual([a, b]);
    expect(ids(relevance.results)).toEqual([a, b]);
    for (const r of [...desc.results, ...asc.memories]) expect(r.score).toBeGreaterThan(0);
  });

  it('never returns a forgotten, expired or superseded memory, and a superseded one only when asked', async () => {
    // Arrange
    const [forgotten, expiring, retired] = await write(
      'kiwi forgotten',
      { content: 'kiwi expiring', ttl: '1h' },
      'kiwi retired version',
    );
    const [current] = await write({ content: 'kiwi current version', supersedes: retired });
    expect((await api.delete(`/api/v1/memories/${forgotten}`)).status).toBe(204);
    t.clock.advance(2 * 3_600_000);

    // Act
    const found = await search({ query: 'kiwi' });
    const listed = await list('q=kiwi');
    const withRetired = await search({ query: 'kiwi', include_superseded: true });

    // Assert
    expect(ids(found.results)).toEqual([current]);
    expect(found.count).toBe(1);
    expect(ids(listed.memories)).toEqual([current]);
    expect(new Set(ids(withRetired.results))).toEqual(new Set([current, retired]));
    expect(ids(withRetired.results)).not.toContain(expiring);
  });

  it('forgets what a query matches, its dry run counting what search counts', async () => {
    // Arrange
    await write('secret kiwi recipe', 'kiwi', 'apple recipe', {
      content: 'kiwi',
      agent_id: 'agent_2',
    });
    const searched = await search({ query: 'kiwi', agent_id: 'agent_1', include_superseded: true });

    // Act
    const dry = await api.post('/api/v1/memories/forget', {
      query: 'kiwi',
      agent_id: 'agent_1',
      dry_run: true,
    });
    const forgot = await api.post('/api/v1/memories/forget', {
      query: 'kiwi',
      agent_id: 'agent_1',
    });
    const after = await search({ query: 'kiwi OR recipe' });
    const badQuery = await api.post('/api/v1/memories/forget', { query: '***' });
    const withAll = await api.post('/api/v1/memories/forget', { query: 'kiwi', all: true });

    // Assert
    expect(searched.count).toBe(2);
    expect(dry.body).toEqual({ would_delete: 2, dry_run: true });
    expect(forgot.body).toEqual({ deleted: 2 });
    expect(after.results.map((r) => r.content).sort()).toEqual(['apple recipe', 'kiwi']);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.message).toMatch(/^query must contain at least one word/);
    expect(withAll.status).toBe(400);
  });
});

describe('HttpApi.search with stray query syntax', () => {
  const STRAY = [
    'NEAR(deploy staging)',
    'deploy AND staging',
    'deploy NOT staging',
    'deploy OR',
    'OR deploy',
    '"deploy',
    'deploy"',
    '"deploy staging',
    '((deploy',
    'deploy)',
    'content:deploy',
    'deploy^2',
    '^deploy',
    '-deploy',
    'deploy*',
    '"deploy*"',
    'dep\\loy',
    "deploy' OR '1'='1",
    'deploy; DROP TABLE memories; --',
    '{deploy}',
    'deploy\u0001\u001f',
    'café 部署 🤖',
  ];

  it.each(STRAY)('answers 200 and treats %j as text, on both routes', async (query) => {
    // Arrange
    await write('deploy staging now', 'content deploy 2 loy dep');

    // Act
    const posted = await api.post('/api/v1/search', { query });
    const got = await api.get(`/api/v1/memories?q=${encodeURIComponent(query)}`);

    // Assert
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body.memories).toEqual(posted.body.results);
  });

  it.each([
    ['no word', '*** () "" : ^', /^query must contain at least one word/],
    ['only whitespace', ' \t\n', /^query must contain at least one word/],
    ['1001 characters', 'a'.repeat(1001), /^query must be at most 1000 characters/],
    ['100,000 characters', 'deploy '.repeat(14_286), /^query must be at most 1000 characters/],
    [
      '33 terms',
      Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '),
      /^query must have at most 32 terms/,
    ],
  ])('answers 400 naming the limit for a query of %s', async (_, query, message) => {
    // Act
    const res = await api.post('/api/v1/search', { query });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(message);
  });

  it('refuses a NUL character or a lone surrogate in the query as in every field, never a 5xx', async () => {
    // Act
    const nulBody = await api.post('/api/v1/search', { query: 'deploy\u0000staging' });
    const nulQuery = await api.get('/api/v1/memories?q=deploy%00staging');
    const surrogate = await api
      .post('/api/v1/search')
      .set('content-type', 'application/json')
      .send('{"query": "deploy \\ud800 staging"}');
    const surrogateQuery = await api.get('/api/v1/memories?q=deploy%ED%A0%80');

    // Assert
    // Bytes that are no UTF-8 in a query string read as U+FFFD, an ordinary separator.
    expect(surrogateQuery.status).toBe(200);
    for (const res of [nulBody, nulQuery, surrogate]) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('accepts a query of exactly 1000 characters and of exactly 32 terms', async () => {
    // Act
    const long = await api.post('/api/v1/search', { query: 'a'.repeat(1000) });
    const many = await api.post('/api/v1/search', {
      query: Array.from({ length: 32 }, (_, i) => `w${i}`).join(' '),
    });

    // Assert
    expect(long.status).toBe(200);
    expect(many.status).toBe(200);
  });

  it('names q in the message of a refused query string, and treats an empty q as none', async () => {
    // Arrange
    await write('deploy');

    // Act
    const refused = await api.get('/api/v1/memories?q=%2A%2A');
    const empty = await api.get('/api/v1/memories?q=');
    const emptyBody = await api.post('/api/v1/search', { query: '' });
    const twice = await api.get('/api/v1/memories?q=deploy&q=staging');

    // Assert
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^q must contain at least one word/);
    expect(empty.status).toBe(200);
    expect(empty.body.memories[0]).not.toHaveProperty('score');
    expect(emptyBody.status).toBe(200);
    expect(emptyBody.body.results[0]).not.toHaveProperty('score');
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/^q /);
  });

  it('refuses a query that is not a string with a 400 naming it', async () => {
    // Act
    const res = await api.post('/api/v1/search', { query: ['deploy'] });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^query /);
  });
});
