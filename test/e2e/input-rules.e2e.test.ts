import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/**
 * Times and numbers at the edge of what the API accepts: every RFC 3339 time, no empty time
 * range, and no integer that JSON parsing would round.
 */

let t: TestApp;
let api: ApiClient;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

/** Posts `json` as written, so its digits reach the server unrounded. */
const postRaw = (path: string, json: string) =>
  request(t.app)
    .post(path)
    .set('x-api-key', t.adminKey)
    .set('content-type', 'application/json')
    .send(json);

const putRaw = (path: string, json: string) =>
  request(t.app)
    .put(path)
    .set('x-api-key', t.adminKey)
    .set('content-type', 'application/json')
    .send(json);

async function remember(content: string): Promise<void> {
  const res = await api.post('/api/v1/memories', { agent_id: 'agent_1', content });
  expect(res.status).toBe(201);
}

describe('MemoryRoutes.list times', () => {
  it.each([
    ['since', '0001-01-01T00:00:00Z', 1],
    ['since', '0099-06-30T12:00:00+05:00', 1],
    ['until', '2016-12-31T23:59:60Z', 0],
    ['since', '2016-12-31T23:59:60.25Z', 1],
    ['since', '2026-02-13T10:29:59.1234567890123Z', 1],
    ['until', '9999-12-31T23:59:59Z', 1],
  ])('returns 200 when %s is the RFC 3339 time %s', async (param, time, expected) => {
    // Arrange
    await remember('one');

    // Act
    const res = await api.get(`/api/v1/memories?${param}=${encodeURIComponent(time)}`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.memories).toHaveLength(expected);
  });

  it.each([
    ['2026-02-30', 'February 2026 has 28 days'],
    ['2026-02-13T25:00:00Z', 'the hour must be 00 to 23'],
    ['2026-02-13T10:30:60Z', 'a leap second can only be 23:59:60 UTC on the last day of a month'],
  ])('returns 400 saying why when since is the impossible time %s', async (time, why) => {
    // Act
    const res = await api.get(`/api/v1/memories?since=${encodeURIComponent(time)}`);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      message: `since names no such time: '${time}' (${why})`,
    });
  });

  it('returns 400 saying the range is empty when since is later than until', async () => {
    // Arrange
    await remember('one');

    // Act
    const res = await api.get('/api/v1/memories?since=2026-02-14&until=2026-02-13');

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "since must be earlier than until: the range from '2026-02-14' up to '2026-02-13' (until excluded) is empty",
    );
  });
});

describe('MemoryRoutes.search times', () => {
  it('returns 400 saying the range is empty when since equals until', async () => {
    // Act
    const res = await api.post('/api/v1/search', {
      since: '2026-02-13T10:00:00Z',
      until: '2026-02-13T10:00:00Z',
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^since must be earlier than until: .* is empty$/);
  });

  it('returns 200 when since is the year-1 time Go writes for a zero time', async () => {
    // Arrange
    await remember('one');

    // Act
    const res = await api.post('/api/v1/search', { since: '0001-01-01T00:00:00Z' });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
  });
});

describe('SessionRoutes.context times', () => {
  it('returns 400 saying the range is empty when since is later than until', async () => {
    // Arrange
    const session = await api.post('/api/v1/sessions', { agent_id: 'agent_1' });
    expect(session.status).toBe(201);

    // Act
    const res = await api.post(`/api/v1/sessions/${session.body.session_id}/context`, {
      since: '1h',
      until: '2h',
    });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^since must be earlier than until/);
  });
});

describe('JSON bodies with large integers', () => {
  it.each(['1234567890123456789', '9007199254740993', '-9007199254740992'])(
    'returns 400 naming metadata.discord_id and stores nothing when it is %s',
    async (digits) => {
      // Act
      const res = await postRaw(
        '/api/v1/memories',
        `{"agent_id":"agent_big","content":"x","metadata":{"discord_id":${digits}}}`,
      );

      // Assert
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toContain(
        'metadata.discord_id must not contain integers beyond ±9007199254740991',
      );
      expect(res.body.message).toContain(`send ${digits} as a string`);
      const list = await api.get('/api/v1/memories?agent_id=agent_big');
      expect(list.body.memories).toHaveLength(0);
    },
  );

  it('returns 201 with the digits as written when numbers are safe integers or doubles by intent', async () => {
    // Arrange
    const metadata =
      '{"max":9007199254740991,"min":-9007199254740991,"tenth":0.1,"big":1e300,"id":"1234567890123456789","n":[1,2.5]}';

    // Act
    const res = await postRaw(
      '/api/v1/memories',
      `{"agent_id":"agent_ok","content":"x","metadata":${metadata}}`,
    );

    // Assert
    expect(res.status).toBe(201);
    const got = await api.get(`/api/v1/memories/${res.body.memory_id}`);
    expect(got.text).toContain(
      '"metadata":{"max":9007199254740991,"min":-9007199254740991,"tenth":0.1,"big":1e+300,"id":"1234567890123456789","n":[1,2.5]}',
    );
  });

  it('returns 400 naming the batch item when a batch memory holds a large integer', async () => {
    // Act
    const res = await postRaw(
      '/api/v1/memories',
      '{"memories":[{"agent_id":"a","content":"ok"},{"agent_id":"a","content":"x","metadata":{"ids":[1,12345678901234567890]}}]}',
    );

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^memories\[1\]\.metadata\.ids\[1\] must not contain integers/,
    );
  });

  it('returns 400 naming the field when session metadata or agent config holds a large integer', async () => {
    // Arrange
    const session = await api.post('/api/v1/sessions', { agent_id: 'agent_1' });

    // Act
    const created = await postRaw(
      '/api/v1/sessions',
      '{"agent_id":"agent_1","metadata":{"a":{"b":9007199254740993}}}',
    );
    const updated = await putRaw(
      `/api/v1/sessions/${session.body.session_id}`,
      '{"metadata":{"n":9007199254740993}}',
    );
    const agent = await postRaw(
      '/api/v1/agents',
      '{"name":"bot","config":{"discord_id":1234567890123456789}}',
    );

    // Assert
    expect([created.status, updated.status, agent.status]).toEqual([400, 400, 400]);
    expect(created.body.message).toMatch(/^metadata\.a\.b must not contain integers/);
    expect(updated.body.message).toMatch(/^metadata\.n must not contain integers/);
    expect(agent.body.message).toMatch(/^config\.discord_id must not contain integers/);
  });
});
