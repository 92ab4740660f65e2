import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArcClient } from '../../adapters/storage/arc/arc-client.js';
import { tagSet } from '../../adapters/storage/arc/arc-wire.js';
import type { Memory, MemoryQuery } from '../../domain/index.js';
import { openArcTestStorage, type ArcTestStorage } from '../support/arc-harness.js';
import { aMemory, BASE_TIME } from '../support/builders.js';

const ORG = 'org_a';
const HOUR = 3_600_000;
const all: MemoryQuery = { filter: {}, order: 'asc', limit: null, offset: 0 };

/**
 * Writes memories as a memtrace without `created_at_ms` wrote them: the columns of that version
 * only, so a measurement holding nothing else has no such column at all.
 */
async function writeAsBefore(arc: ArcTestStorage, memories: readonly Memory[]): Promise<void> {
  const target = await arc.resolve(ORG);
  const column = <T>(f: (m: Memory, i: number) => T) => memories.map(f);
  const body = encode(
    {
      m: target.measurement,
      columns: {
        time: column((m) => BigInt(m.time) * 1000n),
        id: column((m) => m.id),
        org_id: column((m) => m.orgId),
        agent_id: column((m) => m.agentId),
        session_id: column((m) => m.sessionId),
        memory_type: column((m) => m.memoryType),
        event_type: column((m) => m.eventType),
        content: column((m) => m.content),
        metadata_json: column((m) => JSON.stringify(m.metadata)),
        tags_json: column((m) => JSON.stringify(m.tags)),
        tag_set: column((m) => tagSet(m.tags)),
        importance: column((m) => m.importance),
        dedup_key: column((m) => m.dedupKey),
        parent_id: column((m) => m.parentId),
        time_ms: column((m) => BigInt(m.time)),
        seq: column((_, i) => BigInt(m0Seq + i)),
      },
    },
    { useBigInt64: true, forceIntegerToFloat: true },
  );
  const client = new ArcClient({ timeoutMs: 2000, retries: 0, retryBaseMs: 10 });
  await client.write(target, body);
  await arc.fake.flushAll();
}
const m0Seq = 1_000;

describe('ArcMemoryStore on rows written before created_at_ms', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage();
  });
  beforeEach(async () => arc.reset());
  afterAll(async () => arc.close());

  it('reads created_at as time, and dedups on it, when no row has the column yet', async () => {
    // Arrange
    const old = aMemory({ dedupKey: 'k', time: BASE_TIME });
    await writeAsBefore(arc, [old]);
    const s = arc.storage.memories;

    // Act
    const found = await s.findById(ORG, old.id);
    const listed = await s.find(ORG, all);
    const retry = aMemory({
      dedupKey: 'k',
      time: BASE_TIME - 1000 * HOUR,
      createdAt: BASE_TIME + HOUR,
    });
    const outcome = await s.insert([retry], { windowMs: 2 * HOUR });

    // Assert
    expect(found).toEqual({ ...old, createdAt: old.time });
    expect(listed).toEqual([{ ...old, createdAt: old.time }]);
    expect(outcome).toEqual([{ status: 'duplicate', existingId: old.id }]);
  });

  it('reads created_at as time for old rows beside rows that have it', async () => {
    // Arrange
    const old = aMemory({ time: BASE_TIME });
    await writeAsBefore(arc, [old]);
    const s = arc.storage.memories;
    const recent = aMemory({ time: BASE_TIME - 100 * HOUR, createdAt: BASE_TIME + HOUR });
    await s.insert([recent], null);
    await arc.fake.flushAll();

    // Act
    const listed = await s.find(ORG, all);

    // Assert
    expect(listed).toEqual([recent, { ...old, createdAt: old.time }]);
  });
});

describe('ArcMemoryStore on rows written before created_at_ms, with Arc showing writes late', () => {
  let arc: ArcTestStorage;
  beforeAll(async () => {
    arc = await openArcTestStorage({ maxBufferAgeMs: 200 });
  });
  beforeEach(async () => arc.reset());
  afterAll(async () => arc.close());

  it('answers while its first rows with the column are still buffered, and after', async () => {
    // Arrange
    const old = aMemory({ time: BASE_TIME });
    await writeAsBefore(arc, [old]);
    const s = arc.storage.memories;
    const recent = aMemory({ time: BASE_TIME - 100 * HOUR, createdAt: BASE_TIME + HOUR });

    // Act
    await s.insert([recent], null);
    const before = await s.find(ORG, all);
    await new Promise((r) => setTimeout(r, 1500));
    const after = await s.find(ORG, all);

    // Assert
    const expected = [recent, { ...old, createdAt: old.time }];
    expect(before).toEqual(expected);
    expect(after).toEqual(expected);
  });
});
