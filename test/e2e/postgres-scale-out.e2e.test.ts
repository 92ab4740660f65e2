import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  urlWithSchema,
} from '../support/postgres-harness.js';
import {
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';

const FIRST_RUN = 'FIRST RUN: Save your admin API key (shown only once)';

/** Two memtrace processes on one PostgreSQL schema: the scale-out picture of docs/storage.md. */
describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `memtrace scale-out on PostgreSQL${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    const schema = randomSchemaName('scale');
    let a: ServerProcess;
    let b: ServerProcess;
    let key: string;

    const call = (server: ServerProcess, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    // Both start at the same moment on an empty schema: they migrate and bootstrap together.
    beforeAll(async () => {
      await createSchema(schema);
      const env = {
        MEMTRACE_STORAGE_DRIVER: 'postgres',
        MEMTRACE_STORAGE_POSTGRES_URL: urlWithSchema(TEST_POSTGRES_URL as string, schema),
        MEMTRACE_STORAGE_POSTGRES_POOL_SIZE: '5',
      };
      const [portA, portB] = [await freePort(), await freePort()];
      a = spawnServer(env, portA);
      b = spawnServer(env, portB);
      await Promise.all([waitUntilHealthy(a, 40_000), waitUntilHealthy(b, 40_000)]);
      const printed = [a.stdout(), b.stdout()].join('\n');
      key = /^API Key: (mtk_[A-Za-z0-9_-]{43})$/m.exec(printed)?.[1] ?? '';
    }, 60_000);

    afterAll(async () => {
      for (const s of [a, b]) s?.proc.kill('SIGTERM');
      await Promise.all([a?.exited, b?.exited]);
      await dropSchema(schema);
    }, 30_000);

    it('creates the first admin key exactly once when both servers start at the same moment', async () => {
      const outputs = [a.stdout(), b.stdout()];

      expect(outputs.filter((o) => o.includes(FIRST_RUN))).toHaveLength(1);
      expect(outputs.join('\n').match(/^API Key: /gm)).toHaveLength(1);
      const [viaA, viaB] = await Promise.all([
        call(a, 'GET', '/api/v1/keys'),
        call(b, 'GET', '/api/v1/keys'),
      ]);
      expect([viaA.status, viaB.status]).toEqual([200, 200]);
      expect(((await viaB.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    });

    it('reads, searches and builds context on one server for a memory written through the other', async () => {
      const written = await call(a, 'POST', '/api/v1/memories', {
        agent_id: 'agent_scale',
        session_id: 'sess_scale',
        memory_type: 'decision',
        content: 'Chose the blue deployment after the canary passed',
        tags: ['deploy', 'canary'],
        importance: 0.9,
      });
      expect(written.status).toBe(201);
      const { memory_id: id } = (await written.json()) as { memory_id: string };

      const read = await call(b, 'GET', `/api/v1/memories/${id}`);
      const search = await call(b, 'POST', '/api/v1/search', {
        tags: ['canary'],
        content_contains: 'blue deployment',
        min_importance: 0.5,
      });
      const context = await call(b, 'POST', '/api/v1/sessions/sess_scale/context', {});

      expect(read.status).toBe(200);
      expect(((await read.json()) as { content: string }).content).toBe(
        'Chose the blue deployment after the canary passed',
      );
      const found = (await search.json()) as { results: { memory_id: string }[]; count: number };
      expect(found.results.map((r) => r.memory_id)).toEqual([id]);
      expect(context.status).toBe(200);
      const ctx = (await context.json()) as { context: string; memory_count: number };
      expect(ctx.memory_count).toBe(1);
      expect(ctx.context).toContain('### Decisions (1)');
      expect(ctx.context).toContain('- Chose the blue deployment after the canary passed');
    });

    it('keeps one admin key in every org when its two admin keys are revoked through both servers at once', async () => {
      const as = (
        server: ServerProcess,
        apiKey: string,
        method: string,
        path: string,
        body?: unknown,
      ) =>
        fetch(`${server.url}${path}`, {
          method,
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const orgs = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const org = (await (
            await call(a, 'POST', '/api/v1/orgs', { name: `race ${i}` })
          ).json()) as {
            api_key: string;
          };
          const first = org.api_key;
          const keys = (await (await as(a, first, 'GET', '/api/v1/keys')).json()) as {
            keys: { key_id: string }[];
          };
          const second = (await (
            await as(a, first, 'POST', '/api/v1/keys', { name: 'second', permissions: ['admin'] })
          ).json()) as { key_id: string; api_key: string };
          return {
            first,
            firstId: keys.keys[0]!.key_id,
            second: second.api_key,
            secondId: second.key_id,
          };
        }),
      );

      const statuses = await Promise.all(
        orgs.map(async (o) => {
          const [x, y] = await Promise.all([
            as(a, o.first, 'DELETE', `/api/v1/keys/${o.secondId}`),
            as(b, o.second, 'DELETE', `/api/v1/keys/${o.firstId}`),
          ]);
          return [x.status, y.status].sort();
        }),
      );

      // One revocation lands; the other is refused (409), or finds its own key already revoked (401).
      for (const pair of statuses)
        expect([
          [204, 401],
          [204, 409],
        ]).toContainEqual(pair);
      for (const o of orgs) {
        const [viaFirst, viaSecond] = [
          await as(b, o.first, 'GET', '/api/v1/keys'),
          await as(a, o.second, 'GET', '/api/v1/keys'),
        ];
        expect([viaFirst.status, viaSecond.status].sort()).toEqual([200, 401]);
        const left = (await (viaFirst.status === 200 ? viaFirst : viaSecond).json()) as {
          keys: { permissions: string[] }[];
        };
        expect(left.keys.map((k) => k.permissions.includes('admin'))).toEqual([true]);
      }
    });

    it('creates a new session once when 20 writes naming it arrive at both servers at once', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(i % 2 ? b : a, 'POST', '/api/v1/memories', {
            agent_id: 'agent_chat',
            session_id: 'chat-raced',
            content: `message ${i}`,
          }),
        ),
      );

      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      for (const server of [a, b]) {
        const list = await call(server, 'GET', '/api/v1/sessions?agent_id=agent_chat');
        const body = (await list.json()) as { sessions: { session_id: string }[] };
        expect(body.sessions.map((x) => x.session_id)).toEqual(['chat-raced']);
      }
    });

    it('stores exactly one memory when 50 identical writes arrive at both servers at once', async () => {
      const body = {
        agent_id: 'agent_race',
        session_id: 'sess_race',
        content: 'the same observation, reported by 50 workers',
      };

      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => call(i % 2 ? b : a, 'POST', '/api/v1/memories', body)),
      );

      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
        memory_id: string;
      }[];
      // Every duplicate names the one stored memory.
      expect(new Set(bodies.map((x) => x.memory_id)).size).toBe(1);
      for (const server of [a, b]) {
        const list = await call(server, 'GET', '/api/v1/memories?agent_id=agent_race');
        expect(((await list.json()) as { count: number }).count).toBe(1);
      }
    });

    it('pages by cursor across both servers while the other writes and deletes, skipping and repeating nothing', async () => {
      // Arrange: batches share one instant, so the pages cut through ties
      const batch = async (server: ServerProcess, n: number, tag: string) => {
        const res = await call(server, 'POST', '/api/v1/memories', {
          memories: Array.from({ length: n }, (_, i) => ({
            agent_id: 'agent_pager',
            content: `${tag} ${i} ${Math.random()}`,
            tags: ['pager'],
          })),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { memories: { memory_id: string }[] }).memories.map(
          (m) => m.memory_id,
        );
      };
      const initial = [...(await batch(a, 15, 'a')), ...(await batch(b, 15, 'b'))];
      const deleted = new Set<string>();

      for (const order of ['desc', 'asc']) {
        // Act: pages read alternately through B and A, the cursor of one used on the other
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 100; page++) {
          const reader = page % 2 === 0 ? b : a;
          const writer = page % 2 === 0 ? a : b;
          const query = `tags=pager&order=${order}&limit=4${cursor === null ? '' : `&cursor=${cursor}`}`;
          const res = await call(reader, 'GET', `/api/v1/memories?${query}`);
          expect(res.status).toBe(200);
          const body = (await res.json()) as {
            memories: { memory_id: string }[];
            next_cursor: string | null;
          };
          seen.push(...body.memories.map((m) => m.memory_id));
          if (body.next_cursor === null) break;
          cursor = body.next_cursor;
          const unseen = initial.filter((id) => !seen.includes(id) && !deleted.has(id));
          const victims = [seen[page], unseen[unseen.length - 1]].filter(
            (id): id is string => id !== undefined && !deleted.has(id) && initial.includes(id),
          );
          await Promise.all([
            batch(writer, 3, `late ${page}`),
            ...victims.map(async (id) => {
              deleted.add(id);
              expect((await call(writer, 'DELETE', `/api/v1/memories/${id}`)).status).toBe(204);
            }),
          ]);
        }

        // Assert
        expect(new Set(seen).size, `${order}: a memory came twice`).toBe(seen.length);
        expect(initial.filter((id) => !deleted.has(id) && !seen.includes(id))).toEqual([]);
      }
    });
  },
);
