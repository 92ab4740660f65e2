import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-database.js';
import { SqliteMemoryStore } from '../../adapters/storage/sqlite/sqlite-memory-store.js';
import { migrateSqliteDatabase } from '../../adapters/storage/sqlite/sqlite-migrator.js';
import { aMemory } from '../support/builders.js';

const ORG = 'org_a';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function aStore(): SqliteMemoryStore {
  const db = openSqliteDatabase({ path: ':memory:' });
  cleanups.push(() => db.close());
  migrateSqliteDatabase(db);
  return new SqliteMemoryStore(db);
}

describe('SqliteMemoryStore.delete in the group commit', () => {
  it('runs after the inserts called before it and before those called after it', async () => {
    const store = aStore();
    const [a, b, c] = [
      aMemory({ tags: ['t'] }),
      aMemory({ tags: ['t'] }),
      aMemory({ tags: ['t'] }),
    ];
    // One turn of the event loop: one group, in call order.
    const calls = Promise.all([
      store.insert([a, b], null),
      store.delete(ORG, { tags: ['t'] }),
      store.insert([c], null),
    ]);
    const [, deleted] = await calls;
    expect(deleted).toBe(2);
    expect(
      (await store.find(ORG, { filter: {}, order: 'asc', limit: null, offset: 0 })).map(
        (m) => m.id,
      ),
    ).toEqual([c.id]);
    expect(await store.count(ORG, { tags: ['t'] })).toBe(1);
  });

  it('keeps the rest of the group when an insert of the same group fails', async () => {
    const store = aStore();
    const [a, b] = [aMemory(), aMemory()];
    await store.insert([a], null);
    const results = await Promise.allSettled([
      store.insert([b, a], null),
      store.delete(ORG, { ids: [a.id] }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'MEMORY_EXISTS' } });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 1 });
    expect(await store.count(ORG, {})).toBe(0);
  });
});
