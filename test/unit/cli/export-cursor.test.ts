import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { StorageBundle } from '../../../adapters/storage/storage-bundle.js';
import { exportOrg } from '../../../src/cli/org-transfer.js';
import { aMemory, anApiKey, anOrg, BASE_TIME } from '../../support/builders.js';

/** The storage, with `between` run once after the first page of memories is read. */
function withChurnAfterFirstPage(s: StorageBundle, between: () => Promise<void>): StorageBundle {
  let pages = 0;
  const memories = Object.create(s.memories) as StorageBundle['memories'];
  memories.findPage = async (orgId, query) => {
    const page = await s.memories.findPage(orgId, query);
    if (pages++ === 0) await between();
    return page;
  };
  return { ...s, memories };
}

describe('exportOrg', () => {
  it('exports every memory once when memories are forgotten and written while it pages', async () => {
    // Arrange: more than one page (1,000), all at one instant (ties in time)
    const storage = await createInMemoryStorage();
    const org = anOrg();
    await storage.auth.createOrg(org, anApiKey({ orgId: org.id }));
    const ms = Array.from({ length: 2_500 }, () => aMemory({ orgId: org.id, time: BASE_TIME }));
    await storage.memories.insert(ms, null);
    const forgotten = ms.slice(0, 50).map((m) => m.id);
    const churned = withChurnAfterFirstPage(storage, async () => {
      // Rows of the page already written out go: an offset would now skip 50 rows.
      await storage.memories.delete(org.id, { ids: forgotten });
    });

    // Act
    const lines: string[] = [];
    await exportOrg(churned, org.id, async (line) => {
      lines.push(line);
    });

    // Assert
    const exported = lines
      .map((l) => JSON.parse(l) as { type: string; memory_id?: string })
      .filter((r) => r.type === 'memory')
      .map((r) => r.memory_id);
    expect(new Set(exported).size).toBe(exported.length);
    expect(exported).toEqual(ms.map((m) => m.id));
  });
});
