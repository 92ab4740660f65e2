import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

/** Records `n` memories in one batch (one instant: ties in time) and returns their ids. */
async function batch(n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const memories = Array.from({ length: n }, (_, i) => ({
    agent_id: 'agent_1',
    content: `memory ${i} ${Math.random()}`,
    tags: ['paged'],
    ...extra,
  }));
  const res = await api.post('/api/v1/memories', { memories });
  expect(res.status).toBe(201);
  return (res.body.memories as { memory_id: string }[]).map((m) => m.memory_id);
}

interface Page {
  readonly ids: string[];
  readonly next: string | null;
}

const listPage = async (query: string, cursor: string | null): Promise<Page> => {
  const res = await api.get(
    `/api/v1/memories?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    ids: (res.body.memories as { memory_id: string }[]).map((m) => m.memory_id),
    next: res.body.next_cursor as string | null,
  };
};

const searchPage = async (body: object, cursor: string | null): Promise<Page> => {
  const res = await api.post('/api/v1/search', cursor === null ? body : { ...body, cursor });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    ids: (res.body.results as { memory_id: string }[]).map((m) => m.memory_id),
    next: res.body.next_cursor as string | null,
  };
};

/** Follows next_cursor to the end, running `between` after every page but the last. */
async function follow(
  read: (cursor: string | null) => Promise<Page>,
  between: (page: number, seen: readonly string[]) => Promise<void>,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const got = await read(cursor);
    seen.push(...got.ids);
    if (got.next === null) return seen;
    cursor = got.next;
    await between(page, seen);
  }
  throw new Error('next_cursor never became null');
}

/** Writes and deletes between pages: new rows at the same and later instants, old rows gone. */
function churn(initial: readonly string[], deleted: Set<string>) {
  return async (page: number, seen: readonly string[]) => {
    await batch(2);
    t.clock.advance(1);
    await batch(1);
    const unseen = initial.filter((id) => !seen.includes(id) && !deleted.has(id));
    const victims = [seen[page], unseen[unseen.length - 1]].filter(
      (id): id is string => id !== undefined && !deleted.has(id),
    );
    for (const id of victims) {
      expect((await api.delete(`/api/v1/memories/${id}`)).status).toBe(204);
      deleted.add(id);
    }
  };
}

function expectNoSkipNoRepeat(seen: string[], initial: string[], deleted: Set<string>) {
  expect(new Set(seen).size, 'a memory came twice').toBe(seen.length);
  const missing = initial.filter((id) => !deleted.has(id) && !seen.includes(id));
  expect(missing, 'memories there throughout that no page returned').toEqual([]);
}

describe('Cursors.memories', () => {
  it.each(['desc', 'asc'])(
    'neither skips nor repeats a memory when memories are written and deleted between %s pages',
    async (order) => {
      // Arrange: ties in time within each batch, three instants
      const initial = [...(await batch(9)), ...(t.clock.advance(5), await batch(9))];
      t.clock.advance(5);
      initial.push(...(await batch(8)));
      const deleted = new Set<string>();

      // Act
      const seen = await follow(
        (c) => listPage(`tags=paged&order=${order}&limit=4`, c),
        churn(initial, deleted),
      );

      // Assert
      expectNoSkipNoRepeat(seen, initial, deleted);
    },
  );

  it('neither skips nor repeats in search while memories are written and deleted', async () => {
    // Arrange
    const initial = await batch(23);
    const deleted = new Set<string>();

    // Act
    const seen = await follow(
      (c) => searchPage({ tags: ['paged'], agent_id: 'agent_1', limit: 5 }, c),
      churn(initial, deleted),
    );

    // Assert
    expectNoSkipNoRepeat(seen, initial, deleted);
  });

  it('gives the same memories as one read when nothing changes, and null next_cursor at the end', async () => {
    // Arrange
    await batch(7);
    t.clock.advance(1);
    await batch(6);
    const whole = await listPage('limit=1000', null);

    // Act
    const paged = await follow(
      (c) => listPage('limit=3&include_count=false', c),
      async () => undefined,
    );

    // Assert
    expect(whole.next).toBeNull();
    expect(paged).toEqual(whole.ids);
  });

  it('lets the limit change between pages', async () => {
    // Arrange
    const ids = await batch(6);
    const first = await listPage('order=asc&limit=2', null);

    // Act
    const second = await listPage('order=asc&limit=3', first.next);

    // Assert
    expect([...first.ids, ...second.ids]).toEqual(ids.slice(0, 5));
  });
});

describe('Cursors.refused', () => {
  it('answers 400 for a malformed cursor, naming the cursor', async () => {
    for (const bad of ['nope', '!!!!', 'eyJ2IjoxfQ', 'x'.repeat(600)]) {
      const res = await api.get(`/api/v1/memories?cursor=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toMatch(/^cursor is malformed/);
    }
  });

  it('answers 400 for a cursor with a non-zero offset', async () => {
    await batch(3);
    const { next } = await listPage('limit=1', null);
    const res = await api.get(`/api/v1/memories?limit=1&offset=1&cursor=${next}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/non-zero offset/);
    expect((await api.get(`/api/v1/memories?limit=1&offset=0&cursor=${next}`)).status).toBe(200);
  });

  it('answers 400 when the filters, the order or the endpoint changed under the cursor', async () => {
    // Arrange
    await batch(3);
    await batch(3, { agent_id: 'agent_2', tags: ['paged', 'b'] });
    const { next } = await listPage('tags=paged&agent_id=agent_1&limit=1', null);
    expect(next).not.toBeNull();

    // Act
    const changed = await Promise.all([
      api.get(`/api/v1/memories?tags=paged&agent_id=agent_2&limit=1&cursor=${next}`),
      api.get(`/api/v1/memories?tags=paged&agent_id=agent_1&order=asc&limit=1&cursor=${next}`),
      api.get(`/api/v1/memories?agent_id=agent_1&limit=1&cursor=${next}`),
      api.get(`/api/v1/agents/agent_2/memories?tags=paged&limit=1&cursor=${next}`),
      api.post('/api/v1/search', { tags: ['paged'], agent_id: 'agent_1', cursor: next }),
      api.get(`/api/v1/sessions?cursor=${next}`),
      api.get(`/api/v1/agents?cursor=${next}`),
    ]);
    const same = await api.get(`/api/v1/memories?agent_id=agent_1&tags=paged&cursor=${next}`);

    // Assert
    for (const res of changed) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message).toMatch(/^cursor belongs to another query/);
    }
    expect(same.status).toBe(200);
  });

  it("answers 400 for another org's cursor and reads nothing of it", async () => {
    // Arrange
    await batch(3);
    const { next } = await listPage('limit=1', null);
    const org = await api.post('/api/v1/orgs', { name: 'org B' });
    const b = apiAs(t.app, org.body.api_key as string);

    // Act
    const res = await b.get(`/api/v1/memories?limit=1&cursor=${next}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(JSON.stringify(res.body)).not.toContain('mem_');
  });
});

describe('Cursors.sessions and agents', () => {
  it('pages sessions and agents without skipping or repeating while both are created', async () => {
    // Arrange
    for (let i = 0; i < 7; i++) {
      expect((await api.post('/api/v1/sessions', { agent_id: 'agent_s' })).status).toBe(201);
      expect((await api.post('/api/v1/agents', { name: `agent_${i}` })).status).toBe(201);
      if (i % 3 === 0) t.clock.advance(1);
    }

    // Act
    const pages = async (path: string, list: string, idOf: string) =>
      follow(
        async (c) => {
          const sep = path.includes('?') ? '&' : '?';
          const res = await api.get(`${path}${sep}limit=2${c === null ? '' : `&cursor=${c}`}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          return {
            ids: (res.body[list] as Record<string, string>[]).map((x) => x[idOf] as string),
            next: res.body.next_cursor as string | null,
          };
        },
        async (page) => {
          await api.post('/api/v1/sessions', { agent_id: 'agent_s' });
          await api.post('/api/v1/agents', { name: `late_${list}_${page}` });
        },
      );
    const sessions = await api.get('/api/v1/sessions?agent_id=agent_s&limit=1000');
    const pagedSessions = await pages(
      '/api/v1/sessions?agent_id=agent_s',
      'sessions',
      'session_id',
    );
    const agents = await api.get('/api/v1/agents?limit=1000');
    const pagedAgents = await pages('/api/v1/agents', 'agents', 'agent_id');

    // Assert: rows created meanwhile are newer, so before the cursor: the pages are the old list
    expect(pagedSessions).toEqual(
      (sessions.body.sessions as { session_id: string }[]).map((s) => s.session_id),
    );
    expect(pagedAgents).toEqual(
      (agents.body.agents as { agent_id: string }[]).map((a) => a.agent_id),
    );
  });

  it('answers 400 for a sessions cursor with another status filter', async () => {
    await api.post('/api/v1/sessions', { agent_id: 'agent_s' });
    await api.post('/api/v1/sessions', { agent_id: 'agent_s' });
    const first = await api.get('/api/v1/sessions?limit=1');
    const res = await api.get(`/api/v1/sessions?status=active&cursor=${first.body.next_cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
