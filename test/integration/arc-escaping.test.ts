import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArcClient } from '../../adapters/storage/arc/arc-client.js';
import { sqlIdent, sqlString } from '../../adapters/storage/arc/arc-sql.js';
import type { MemoryQuery } from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory } from '../support/builders.js';

/** Values that would break naive SQL, or that Arc refuses as bare words. */
const NASTY: readonly string[] = [
  "it's",
  "''",
  "\\'",
  'back\\slash\\',
  '\\\\',
  'a--b',
  '-- comment',
  'x /* y */ z',
  '*/',
  ';',
  "'; DROP TABLE events; --",
  'é😀中 ключ',
  'nul\u0000inside',
  'tab\tline\nreturn\r\u0001\u001f\u007f',
  'load',
  'set',
  'copy',
  'call',
  'LOAD httpfs',
  'SET threads = 1',
  'COPY events TO x',
  'CALL pragma_version()',
  'ATTACH ":memory:"',
  "read_parquet('/etc/passwd')",
  'FROM other.events',
  '%_%',
  '"quoted"',
];

const all = (filter: MemoryQuery['filter']): MemoryQuery => ({
  filter,
  order: 'asc',
  limit: null,
  offset: 0,
});

describe('sqlString and sqlIdent against Arc (the stand-in: Arc validation on DuckDB 1.5.5)', () => {
  let arc: ArcTestStorage;
  let client: ArcClient;
  beforeAll(async () => {
    arc = await openArcTestStorage();
    client = new ArcClient({ timeoutMs: 2000, retries: 0, retryBaseMs: 10 });
  });
  beforeEach(async () => arc.reset());
  afterAll(async () => arc.close());

  const target = () => ({ url: arc.fake.url, apiKey: null, database: 'lits', measurement: 'x' });

  it.each(NASTY.map((v) => [JSON.stringify(v), v]))(
    'reads %s back exactly as a literal',
    async (_, value) => {
      const rows = await client.query(
        target(),
        `SELECT ${sqlString(value)} AS ${sqlIdent('v')}`,
        'one',
      );
      expect(rows).toEqual([{ v: value }]);
    },
  );

  it.each(['load', 'set', 'copy', 'call', 'select', 'a"b', 'é'])(
    'uses %s as a column name when quoted',
    async (name) => {
      const rows = await client.query(target(), `SELECT 1 AS ${sqlIdent(name)}`, 'one');
      expect(rows).toEqual([{ [name]: 1 }]);
    },
  );

  it('stores and finds memories whose every text field is a nasty value', async () => {
    const s = arc.storage.memories;
    const made = NASTY.map((v) =>
      aMemory({
        agentId: v,
        sessionId: v,
        eventType: v,
        content: `content ${v}`,
        dedupKey: v,
        parentId: v,
        tags: [v, 'plain'],
        metadata: { [v]: v },
      }),
    );
    await s.insert(made, null);
    for (const [i, v] of NASTY.entries()) {
      const m = made[i];
      expect(await s.findById('org_a', m?.id as string)).toEqual(m);
      const only = [m?.id];
      expect((await s.find('org_a', all({ agentId: v }))).map((x) => x.id)).toEqual(only);
      expect((await s.find('org_a', all({ sessionId: v }))).map((x) => x.id)).toEqual(only);
      expect((await s.find('org_a', all({ eventTypes: [v] }))).map((x) => x.id)).toEqual(only);
      expect((await s.find('org_a', all({ tags: [v] }))).map((x) => x.id)).toEqual(only);
      expect(await s.count('org_a', { contentContains: `content ${v}` })).toBe(
        NASTY.filter((w) => `content ${w}`.includes(`content ${v}`)).length,
      );
    }
  });

  it('deletes memories by a nasty value in each text filter, and nothing else', async () => {
    const s = arc.storage.memories;
    const made = NASTY.map((v) => aMemory({ agentId: v, sessionId: v, tags: [v] }));
    const kept = aMemory({ agentId: 'kept' });
    await s.insert([...made, kept], null);
    for (const [i, v] of NASTY.entries()) {
      const filter = [{ agentId: v }, { sessionId: v }, { tags: [v] }][i % 3] ?? {};
      expect(await s.delete('org_a', filter)).toBe(1);
      expect(await s.findById('org_a', made[i]?.id as string)).toBeNull();
    }
    expect((await s.find('org_a', all({}))).map((m) => m.id)).toEqual([kept.id]);
  });

  it('recognises a duplicate whose dedup key is a nasty value', async () => {
    const s = arc.storage.memories;
    const policy = { windowMs: 3_600_000 };
    for (const v of NASTY) {
      const first = aMemory({ dedupKey: v });
      await s.insert([first], policy);
      expect(await s.insert([aMemory({ dedupKey: v })], policy)).toEqual([
        { status: 'duplicate', existingId: first.id },
      ]);
    }
  });

  it('tells tags named like refused SQL words apart', async () => {
    const s = arc.storage.memories;
    const load = aMemory({ tags: ['load'] });
    const set = aMemory({ tags: ['set', 'copy'] });
    const call = aMemory({ tags: ['call'] });
    await s.insert([load, set, call], null);
    const q = async (tags: string[]) => (await s.find('org_a', all({ tags }))).map((m) => m.id);
    expect(await q(['load'])).toEqual([load.id]);
    expect(await q(['set', 'copy'])).toEqual([set.id]);
    expect(await q(['copy', 'call'])).toEqual([]);
    expect(await q(['call'])).toEqual([call.id]);
  });
});
