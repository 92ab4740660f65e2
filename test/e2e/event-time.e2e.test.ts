import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiAs,
  buildTestApp,
  TEST_START,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

async function remember(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/memories', { agent_id: 'agent_1', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown> & { memory_id: string; time: string };
}

async function listed(query: string): Promise<string[]> {
  const res = await api.get(`/api/v1/memories?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.memories as { content: string }[]).map((m) => m.content);
}

describe('MemoryRoutes.create with an event time', () => {
  it('keeps the time given and records created_at, on create, get, list and search', async () => {
    // Arrange
    const happened = '2019-03-01T08:15:30.250Z';

    // Act
    const created = await remember({ content: 'the migration ran', time: happened });

    // Assert
    expect(created).toMatchObject({ time: happened, created_at: iso(TEST_START) });
    const got = await api.get(`/api/v1/memories/${created.memory_id}`);
    expect(got.body).toEqual(created);
    const search = await api.post('/api/v1/search', { since: '2019-01-01' });
    expect(search.body.results).toEqual([created]);
  });

  it('defaults time to created_at when none is given', async () => {
    // Act
    const created = await remember({ content: 'now' });

    // Assert
    expect(created.time).toBe(iso(TEST_START));
    expect(created.created_at).toBe(iso(TEST_START));
  });

  it('reads a zone offset, a date alone and a time without a zone as UTC instants', async () => {
    // Act
    const offset = await remember({ content: 'a', time: '2026-02-13T12:00:00+02:00' });
    const date = await remember({ content: 'b', time: '2026-02-12' });
    const noZone = await remember({ content: 'c', time: '2026-02-12T09:00:00' });

    // Assert
    expect([offset.time, date.time, noZone.time]).toEqual([
      '2026-02-13T10:00:00.000Z',
      '2026-02-12T00:00:00.000Z',
      '2026-02-12T09:00:00.000Z',
    ]);
  });

  it('filters (since, until) and orders by time, not by when memories were recorded', async () => {
    // Arrange: recorded in this order, happened in the other
    await remember({ content: 'recorded first, happened last' });
    await remember({ content: 'recorded last, happened first', time: iso(TEST_START - 3 * HOUR) });

    // Act and Assert
    expect(await listed('since=1d&order=asc')).toEqual([
      'recorded last, happened first',
      'recorded first, happened last',
    ]);
    expect(await listed('since=1h')).toEqual(['recorded first, happened last']);
    expect(await listed(`since=1d&until=${iso(TEST_START - HOUR)}`)).toEqual([
      'recorded last, happened first',
    ]);
  });

  it('accepts a time up to the allowed skew ahead of the clock and refuses one beyond it', async () => {
    // Act
    const ahead = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'a clock a little fast',
      time: iso(TEST_START + 5 * 60_000),
    });
    const tooFar = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'a clock far ahead',
      time: iso(TEST_START + 5 * 60_000 + 1),
    });

    // Assert
    expect(ahead.status).toBe(201);
    expect(tooFar.status).toBe(400);
    expect(tooFar.body).toMatchObject({ error: 'invalid_request' });
    expect(tooFar.body.message).toMatch(/^time must not be more than 5m0s in the future/);
  });

  it('allows a larger skew when MEMTRACE_MEMORY_MAX_FUTURE_SKEW says so', async () => {
    // Arrange
    const wide = await buildTestApp({ maxFutureSkewMs: 2 * HOUR });

    // Act
    const res = await apiAs(wide.app, wide.adminKey).post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'scheduled',
      time: iso(TEST_START + HOUR),
    });

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.time).toBe(iso(TEST_START + HOUR));
  });

  it.each([
    ['a date that does not exist', '2026-02-30T10:00:00Z', /^time names no such time/],
    ['words', 'yesterday', /^time must be an RFC 3339 timestamp/],
    ['a relative time', '2h', /^time must be an RFC 3339 timestamp/],
    ['a number', 1_770_000_000_000, /^time must be a string/],
  ])('answers 400 naming the field for %s', async (_, time, message) => {
    // Act
    const res = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'x',
      time,
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});

describe('MemoryRoutes.create batch with event times', () => {
  it('keeps each item its own time and refuses the batch naming the item of a bad one', async () => {
    // Act
    const bad = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'a', time: '2020-01-01T00:00:00Z' },
        { agent_id: 'agent_1', content: 'b', time: iso(TEST_START + HOUR) },
      ],
    });
    const good = await api.post('/api/v1/memories', {
      memories: [
        { agent_id: 'agent_1', content: 'a', time: '2020-01-01T00:00:00Z' },
        { agent_id: 'agent_1', content: 'b' },
      ],
    });

    // Assert
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^memories\[1\]\.time must not be more than/);
    expect(good.status).toBe(201);
    expect(
      (good.body.memories as { time: string; created_at: string }[]).map((m) => [
        m.time,
        m.created_at,
      ]),
    ).toEqual([
      ['2020-01-01T00:00:00.000Z', iso(TEST_START)],
      [iso(TEST_START), iso(TEST_START)],
    ]);
    expect(await listed('since=10000d')).toEqual(['b', 'a']);
  });
});

describe('MemoryRoutes.create dedup with event times', () => {
  it('answers 409 for a repeat recorded within the window whatever time it gives', async () => {
    // Arrange
    const first = await remember({ content: 'same thing', time: '2019-06-01T00:00:00Z' });

    // Act
    const again = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'same thing',
    });

    // Assert
    expect(again.status).toBe(409);
    expect(again.body.memory_id).toBe(first.memory_id);
  });

  it('stores a repeat recorded after the window even when its time is inside it', async () => {
    // Arrange
    const first = await remember({ content: 'same thing' });
    t.clock.advance(25 * HOUR);

    // Act
    const again = await api.post('/api/v1/memories', {
      agent_id: 'agent_1',
      content: 'same thing',
      time: first.time,
    });

    // Assert
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ time: first.time, created_at: iso(TEST_START + 25 * HOUR) });
  });
});

describe('SessionRoutes.context with event times', () => {
  it('reads memories by their time: since leaves out what happened earlier', async () => {
    // Arrange
    await remember({ session_id: 'sess_1', content: 'long ago', time: '2020-01-01T00:00:00Z' });
    await remember({ session_id: 'sess_1', content: 'just now' });

    // Act
    const res = await api.post('/api/v1/sessions/sess_1/context', { since: '1h' });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.context).toContain('- just now');
    expect(res.body.context).not.toContain('long ago');
  });
});

describe('Implicit sessions with event times', () => {
  it('creates the session a back-dated memory names at the moment it was recorded', async () => {
    // Act
    await remember({ session_id: 'sess_backfill', content: 'old news', time: '2020-01-01' });

    // Assert
    const session = await api.get('/api/v1/sessions/sess_backfill');
    expect(session.status).toBe(200);
    expect(session.body.created_at).toBe(iso(TEST_START));
  });
});
