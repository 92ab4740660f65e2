import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/create-app.js';
import { encodeCursor } from '../../domain/index.js';
import { listRoutes, routeName } from '../support/app-routes.js';
import { apiAs, buildTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/**
 * Every route of the app × another org's ids, filters and sessions. Org B (a second org with an
 * admin key) attacks org A (the default org): it must read nothing of A, change nothing of A,
 * and learn nothing about what A holds: a request naming A's ids must get the same answer as
 * one naming ids that exist nowhere.
 */

/** The ids an attack names: org A's, or never-existing ones of the same shape. */
interface Ids {
  readonly memory: string;
  readonly session: string;
  /** A session id that only A's memories name (never created). */
  readonly namedSession: string;
  readonly agent: string;
  readonly agentName: string;
  /** An agent id only A's memories name (never registered). */
  readonly memoryAgent: string;
  readonly key: string;
  readonly tag: string;
  readonly dedupKey: string;
  /** next_cursor values of org A's lists (`agentMemories`: of an agent's memories). */
  readonly cursors: {
    readonly memories: string;
    readonly search: string;
    readonly sessions: string;
    readonly agents: string;
    readonly agentMemories: string;
  };
}

interface Attack {
  readonly path: string;
  readonly body?: object;
}

/** How org B attacks each route, by `METHOD path`. A new route fails the coverage test below. */
const MATRIX: Readonly<Record<string, (ids: Ids) => Attack[]>> = {
  'POST /api/v1/memories': (ids) => [
    {
      path: '/api/v1/memories',
      body: {
        agent_id: ids.memoryAgent,
        session_id: ids.session,
        parent_id: ids.memory,
        content: 'written by org B',
        dedup_key: ids.dedupKey,
        tags: [ids.tag],
      },
    },
    {
      path: '/api/v1/memories',
      body: { memories: [{ agent_id: ids.agentName, session_id: ids.namedSession, content: 'b' }] },
    },
    {
      path: '/api/v1/memories',
      body: { agent_id: ids.memoryAgent, session_id: ids.session, content: 'b', ttl: '1m' },
    },
    // Superseding another org's memory is a 404, as for an id that exists nowhere.
    {
      path: '/api/v1/memories',
      body: { agent_id: 'agent_b', content: 'b', supersedes: ids.memory },
    },
    {
      path: '/api/v1/memories',
      body: { memories: [{ agent_id: 'agent_b', content: 'b2', supersedes: ids.memory }] },
    },
  ],
  'GET /api/v1/memories': (ids) => [
    { path: '/api/v1/memories' },
    { path: `/api/v1/memories?agent_id=${ids.memoryAgent}` },
    { path: `/api/v1/memories?session_id=${ids.session}` },
    { path: `/api/v1/memories?session_id=${ids.namedSession}` },
    { path: `/api/v1/memories?tags=${ids.tag}&content_contains=secret` },
    { path: `/api/v1/memories?limit=1&cursor=${ids.cursors.memories}` },
  ],
  'GET /api/v1/memories/:id': (ids) => [{ path: `/api/v1/memories/${ids.memory}` }],
  'PATCH /api/v1/memories/:id': (ids) => [
    {
      path: `/api/v1/memories/${ids.memory}`,
      body: { importance: 1, tags: ['b'], metadata: { b: 1, url: null } },
    },
  ],
  'GET /api/v1/memories/:id/history': (ids) => [{ path: `/api/v1/memories/${ids.memory}/history` }],
  'DELETE /api/v1/memories/:id': (ids) => [{ path: `/api/v1/memories/${ids.memory}` }],
  // Org B's key is an admin of org B: even all: true forgets only org B's (none).
  'POST /api/v1/memories/forget': (ids) => [
    { path: '/api/v1/memories/forget', body: { ids: [ids.memory] } },
    { path: '/api/v1/memories/forget', body: { ids: [ids.memory], dry_run: true } },
    {
      path: '/api/v1/memories/forget',
      body: { agent_id: ids.memoryAgent, session_id: ids.session, tags: [ids.tag] },
    },
    { path: '/api/v1/memories/forget', body: { session_id: ids.namedSession, dry_run: true } },
    { path: '/api/v1/memories/forget', body: { all: true, dry_run: true } },
    { path: '/api/v1/memories/forget', body: { all: true } },
  ],
  'POST /api/v1/search': (ids) => [
    { path: '/api/v1/search', body: {} },
    {
      path: '/api/v1/search',
      body: { agent_id: ids.memoryAgent, session_id: ids.session, tags: [ids.tag] },
    },
    { path: '/api/v1/search', body: { content_contains: 'secret' } },
    { path: '/api/v1/search', body: { limit: 1, cursor: ids.cursors.search } },
  ],
  'POST /api/v1/sessions': (ids) => [
    { path: '/api/v1/sessions', body: { agent_id: ids.memoryAgent, metadata: { x: 1 } } },
  ],
  'GET /api/v1/sessions': (ids) => [
    { path: '/api/v1/sessions' },
    { path: `/api/v1/sessions?agent_id=${ids.memoryAgent}&status=active` },
    { path: `/api/v1/sessions?limit=1&cursor=${ids.cursors.sessions}` },
  ],
  'GET /api/v1/sessions/:id': (ids) => [
    { path: `/api/v1/sessions/${ids.session}` },
    { path: `/api/v1/sessions/${ids.namedSession}` },
  ],
  'PUT /api/v1/sessions/:id': (ids) => [
    { path: `/api/v1/sessions/${ids.session}`, body: { status: 'closed', metadata: { b: 1 } } },
    { path: `/api/v1/sessions/${ids.namedSession}`, body: { metadata: { b: 1 } } },
  ],
  'DELETE /api/v1/sessions/:id': (ids) => [
    { path: `/api/v1/sessions/${ids.session}` },
    { path: `/api/v1/sessions/${ids.namedSession}` },
  ],
  'GET /api/v1/sessions/:id/memories': (ids) => [
    { path: `/api/v1/sessions/${ids.session}/memories` },
    { path: `/api/v1/sessions/${ids.namedSession}/memories?agent_id=${ids.memoryAgent}` },
    { path: `/api/v1/sessions/${ids.session}/memories?cursor=${ids.cursors.agentMemories}` },
  ],
  'POST /api/v1/sessions/:id/context': (ids) => [
    { path: `/api/v1/sessions/${ids.session}/context`, body: {} },
    { path: `/api/v1/sessions/${ids.namedSession}/context`, body: { since: '30d' } },
  ],
  'POST /api/v1/agents': (ids) => [
    { path: '/api/v1/agents', body: { name: ids.agentName, description: 'org B' } },
  ],
  'GET /api/v1/agents': (ids) => [
    { path: '/api/v1/agents' },
    { path: '/api/v1/agents?limit=5' },
    { path: `/api/v1/agents?limit=1&cursor=${ids.cursors.agents}` },
  ],
  'GET /api/v1/agents/:id': (ids) => [
    { path: `/api/v1/agents/${ids.agent}` },
    { path: `/api/v1/agents/${ids.agentName}` },
    { path: `/api/v1/agents/${ids.memoryAgent}` },
  ],
  'GET /api/v1/agents/:id/stats': (ids) => [
    { path: `/api/v1/agents/${ids.agent}/stats` },
    { path: `/api/v1/agents/${ids.agentName}/stats` },
    { path: `/api/v1/agents/${ids.memoryAgent}/stats` },
  ],
  'GET /api/v1/agents/:id/memories': (ids) => [
    { path: `/api/v1/agents/${ids.agent}/memories` },
    { path: `/api/v1/agents/${ids.memoryAgent}/memories?session_id=${ids.session}` },
    {
      path: `/api/v1/agents/${ids.memoryAgent}/memories?limit=1&cursor=${ids.cursors.agentMemories}`,
    },
  ],
  'DELETE /api/v1/agents/:id': (ids) => [
    { path: `/api/v1/agents/${ids.agent}` },
    { path: `/api/v1/agents/${ids.agentName}?cascade=false` },
    { path: `/api/v1/agents/${ids.agent}?cascade=true` },
    { path: `/api/v1/agents/${ids.agentName}?cascade=true` },
    { path: `/api/v1/agents/${ids.memoryAgent}?cascade=true` },
  ],
  'POST /api/v1/keys': () => [{ path: '/api/v1/keys', body: { name: 'org B key' } }],
  'GET /api/v1/keys': () => [{ path: '/api/v1/keys' }],
  'DELETE /api/v1/keys/:id': (ids) => [{ path: `/api/v1/keys/${ids.key}` }],
  // Operator-only: org B is refused whatever it asks, without details.
  'POST /api/v1/orgs': () => [{ path: '/api/v1/orgs', body: { name: 'org C' } }],
  'GET /api/v1/orgs': () => [{ path: '/api/v1/orgs' }],
  // Operator-only too: org B may not route org A (the default org), nor even itself.
  'PUT /api/v1/orgs/:id/arc': () => [
    {
      path: '/api/v1/orgs/org_default/arc',
      body: { url: 'http://127.0.0.1:9', database: 'stolen' },
    },
  ],
  'GET /api/v1/orgs/:id/arc': () => [{ path: '/api/v1/orgs/org_default/arc' }],
  // Operator-only: org B may not make org A's memories expire, nor set its own retention.
  'PUT /api/v1/orgs/:id/retention': () => [
    { path: '/api/v1/orgs/org_default/retention', body: { retention: '1m' } },
    { path: '/api/v1/orgs/org_default/retention', body: { retention: null } },
  ],
  'DELETE /api/v1/orgs/:id/arc': () => [{ path: '/api/v1/orgs/org_default/arc' }],
  // Describes the calling key only: org B's answer names org B's key and nothing of org A.
  'GET /api/v1/auth/whoami': () => [{ path: '/api/v1/auth/whoami' }],
};

/** Routes that hold no org's data; they are still checked to leak nothing of org A. */
const NOT_TENANT_SCOPED = new Set([
  'GET /',
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  // Mounted handlers: the Cache-Control header of /api, Swagger UI's static files, and the web
  // console's static files (its data comes through the API, checked here route by route).
  'USE /api',
  'USE /docs',
  'USE /console',
]);

interface World {
  readonly t: TestApp;
  readonly a: ApiClient;
  readonly b: ApiClient;
  readonly ids: Ids;
  /** Strings only org A's data contains. */
  readonly secrets: readonly string[];
}

/** Org A with one of everything, and an empty org B. */
async function aWorld(): Promise<World> {
  const t = await buildTestApp();
  const a = apiAs(t.app, t.adminKey);
  const org = await a.post('/api/v1/orgs', { name: 'org B' });
  expect(org.status).toBe(201);
  const b = apiAs(t.app, org.body.api_key);
  const session = await a.post('/api/v1/sessions', { agent_id: 'agent_only_a' });
  const memory = await a.post('/api/v1/memories', {
    agent_id: 'agent_only_a',
    session_id: session.body.session_id,
    content: 'secret of org A',
    tags: ['tag_only_a'],
    dedup_key: 'dedup_only_a',
  });
  await a.post('/api/v1/memories', {
    agent_id: 'agent_only_a',
    session_id: 'sess_named_only_a',
    content: 'second secret of org A',
  });
  const agent = await a.post('/api/v1/agents', { name: 'name_only_a' });
  const key = await a.post('/api/v1/keys', { name: 'key of org A' });
  expect([session.status, memory.status, agent.status, key.status]).toEqual([201, 201, 201, 201]);
  const nextOf = async (res: Promise<request.Response>) => {
    const body = (await res).body as { next_cursor: string | null };
    expect(body.next_cursor).toEqual(expect.any(String));
    return encodeURIComponent(body.next_cursor as string);
  };
  const cursors = {
    memories: await nextOf(a.get('/api/v1/memories?limit=1')),
    search: decodeURIComponent(await nextOf(a.post('/api/v1/search', { limit: 1 }))),
    sessions: await nextOf(a.get('/api/v1/sessions?limit=1')),
    // Org A has one agent: its list has no next page, so its cursor is made as the server would.
    agents: encodeCursor({ orgId: 'org_default', list: 'agents', query: {} }, AT),
    agentMemories: await nextOf(a.get('/api/v1/agents/agent_only_a/memories?limit=1')),
  };
  const ids: Ids = {
    memory: memory.body.memory_id,
    session: session.body.session_id,
    namedSession: 'sess_named_only_a',
    agent: agent.body.agent_id,
    agentName: 'name_only_a',
    memoryAgent: 'agent_only_a',
    key: key.body.key_id,
    tag: 'tag_only_a',
    dedupKey: 'dedup_only_a',
    cursors,
  };
  const secrets = [
    ids.memory,
    ids.session,
    ids.agent,
    ids.key,
    'secret of org A',
    'org_default',
    t.adminKey,
    key.body.api_key,
  ];
  return { t, a, b, ids, secrets };
}

const AT = { time: Date.UTC(2026, 1, 13), seq: '1' };
/** A well-formed cursor of an org that exists nowhere. */
const nowhereCursor = (list: string, query: Record<string, string>) =>
  encodeURIComponent(encodeCursor({ orgId: 'org_nowhere', list, query }, AT));

/** Ids of the same shapes that exist in no org. */
function nowhereIds(ids: Ids): Ids {
  const swap = (id: string) => id.slice(0, -6) + 'ffffff';
  return {
    memory: swap(ids.memory),
    session: swap(ids.session),
    namedSession: 'sess_named_nowhere',
    agent: swap(ids.agent),
    agentName: 'name_nowhere',
    memoryAgent: 'agent_nowhere',
    key: swap(ids.key),
    tag: 'tag_nowhere',
    dedupKey: 'dedup_nowhere',
    cursors: {
      memories: nowhereCursor('memories', { order: 'desc' }),
      search: decodeURIComponent(nowhereCursor('search', { order: 'desc' })),
      sessions: nowhereCursor('sessions', {}),
      agents: nowhereCursor('agents', {}),
      agentMemories: nowhereCursor('memories', { agentId: 'agent_only_a', order: 'desc' }),
    },
  };
}

/** Everything org A can see of its own data. */
async function snapshotOfA(w: World): Promise<unknown> {
  const paths = [
    '/api/v1/memories?limit=1000&include_superseded=true',
    `/api/v1/memories/${w.ids.memory}/history`,
    '/api/v1/sessions?limit=1000',
    '/api/v1/agents?limit=1000',
    '/api/v1/keys',
    `/api/v1/sessions/${w.ids.session}`,
    `/api/v1/agents/${w.ids.agent}`,
    `/api/v1/agents/${w.ids.memoryAgent}/stats`,
  ];
  return Promise.all(paths.map(async (p) => [p, (await w.a.get(p)).body]));
}

function send(client: ApiClient, method: string, attack: Attack) {
  switch (method) {
    case 'GET':
      return client.get(attack.path);
    case 'POST':
      return client.post(attack.path, attack.body ?? {});
    case 'PUT':
      return client.put(attack.path, attack.body ?? {});
    case 'PATCH':
      return client.patch(attack.path, attack.body ?? {});
    case 'DELETE':
      return client.delete(attack.path);
    default:
      throw new Error(`no client for ${method}`);
  }
}

/** The response with what differs between any two requests (its id, times, new ids) removed. */
function comparable(status: number, body: unknown): unknown {
  const text = JSON.stringify(body ?? null)
    .replace(/"request_id":"[^"]*"/g, '"request_id":"*"')
    .replace(/"(time|created_at|updated_at|started_at|ended_at)":"[^"]*"/g, '"$1":"*"')
    .replace(/"(query_time_ms|query_time_us)":\d+/g, '"$1":0')
    .replace(/"dedup_key":"[0-9a-f]{32}"/g, '"dedup_key":"*"')
    .replace(/\b(mem|sess|agent|key|org)_[0-9a-f]{24}\b/g, '$1_*')
    .replace(/mtk_[A-Za-z0-9_-]{43}/g, 'mtk_*')
    .replace(/_nowhere\b|_only_a\b/g, '_X');
  return { status, body: JSON.parse(text) as unknown };
}

// The routes do not depend on the storage: read them from an in-memory build. The REST API's:
// the /mcp mount speaks MCP and has its own isolation suite (mcp-isolation.e2e.test.ts).
const apiRoutes = async () =>
  listRoutes(createApp({ ...(await buildTestApp({ driver: 'memory' })).deps, mounts: [] }));
const tenantRoutes = (await apiRoutes()).filter((r) => !NOT_TENANT_SCOPED.has(routeName(r)));

describe('Isolation.matrix', () => {
  it('covers every route the app serves when routes are read from the Express router', async () => {
    // Arrange
    const routes = (await apiRoutes()).map(routeName);

    // Act
    const missing = routes.filter((r) => !NOT_TENANT_SCOPED.has(r) && !(r in MATRIX));
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));

    // Assert
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(MATRIX).length);
    expect(missing, 'routes with no isolation attack in MATRIX').toEqual([]);
    expect(stale, 'MATRIX names routes the app no longer serves').toEqual([]);
  });

  it.each(tenantRoutes.map(routeName))(
    'reads nothing of org A, writes nothing to it and leaks no existence when org B calls %s',
    async (name) => {
      // Arrange
      const w = await aWorld();
      const method = name.split(' ')[0] as string;
      const attacks = MATRIX[name]?.(w.ids) ?? [];
      const controls = MATRIX[name]?.(nowhereIds(w.ids)) ?? [];
      const before = await snapshotOfA(w);

      for (const [i, attack] of attacks.entries()) {
        // Act: the same request naming A's ids, then naming ids that exist nowhere
        const res = await send(w.b, method, attack);
        const control = await send(w.b, method, controls[i] as Attack);

        // Assert
        const where = `${name} as ${attack.path}`;
        expect(res.status, where).toBeLessThan(500);
        // An id org B sent itself (a parent_id) may come back; nothing else of A may.
        const sent = JSON.stringify(attack);
        for (const secret of w.secrets.filter((x) => !sent.includes(x))) {
          expect(res.text, where).not.toContain(secret);
        }
        expect(comparable(res.status, res.body), where).toEqual(
          comparable(control.status, control.body),
        );
        if (res.status === 403) {
          expect(Object.keys(res.body).sort(), where).toEqual(['error', 'message', 'request_id']);
        }
        if (attack.path.includes(w.ids.memory) || attack.path.includes(w.ids.key)) {
          expect(res.status, where).toBe(404);
        }
        for (const list of ['memories', 'results', 'sessions', 'agents']) {
          if (method === 'GET' && Array.isArray(res.body?.[list]) && !name.includes('POST')) {
            const foreign = (res.body[list] as { org_id?: string }[]).filter(
              (x) => x.org_id !== undefined && x.org_id === 'org_default',
            );
            expect(foreign, where).toEqual([]);
          }
        }
      }
      expect(await snapshotOfA(w), `${name} changed org A`).toEqual(before);
    },
  );

  it.each([...NOT_TENANT_SCOPED])('leaks nothing of org A when org B calls %s', async (name) => {
    // Arrange
    const w = await aWorld();
    const route = listRoutes(w.t.app).find((r) => routeName(r) === name);
    if (!route) return; // this app build does not serve it (e.g. /metrics without metrics)

    // Act
    const res = await request(w.t.app).get(route.path).set('x-api-key', w.t.adminKey.slice(0, 8));

    // Assert: the console answers 503 `unavailable` until `npm run build` has built it.
    if (name === 'USE /console' && res.status === 503) expect(res.body.error).toBe('unavailable');
    else expect(res.status).toBeLessThan(500);
    // The public documents may name the default org; no id or content of org A may appear.
    for (const secret of w.secrets.filter((x) => x !== 'org_default')) {
      expect(res.text).not.toContain(secret);
    }
  });
});
