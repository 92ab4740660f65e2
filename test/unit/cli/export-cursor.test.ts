import { describe, expect, it } from 'vitest';
import { createInMemoryStorage } from '../../../adapters/storage/in-memory/index.js';
import type { StorageBundle } from '../../../adapters/storage/storage-bundle.js';
import { exportOrg, importOrg } from '../../../src/cli/org-transfer.js';
import { aMemory, anAgent, anApiKey, anOrg, aSession, BASE_TIME } from '../../support/builders.js';

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

  it('writes id and org_id on agent and session lines, which import into another org ignores', async () => {
    // Arrange
    const storage = await createInMemoryStorage();
    const [a, b] = [anOrg(), anOrg()];
    await storage.auth.createOrg(a, anApiKey({ orgId: a.id }));
    await storage.auth.createOrg(b, anApiKey({ orgId: b.id }));
    const agent = anAgent({ orgId: a.id });
    const session = aSession({ orgId: a.id, agentId: agent.name });
    await storage.agents.create(agent);
    await storage.sessions.create(session);
    const lines: string[] = [];
    await exportOrg(storage, a.id, async (line) => {
      lines.push(line);
    });

    // Act
    const into = async function* () {
      yield* lines.map((l) => l.trimEnd());
    };
    const imported = await importOrg(storage, b.id, into(), { dedup: null });

    // Assert
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.type === 'agent')).toMatchObject({
      agent_id: agent.id,
      id: agent.id,
      org_id: a.id,
    });
    expect(records.find((r) => r.type === 'session')).toMatchObject({
      session_id: session.id,
      id: session.id,
      org_id: a.id,
    });
    expect(imported.rejected).toBe(0);
    expect((await storage.sessions.list(b.id, { limit: 10, offset: 0 })).items).toEqual([
      expect.objectContaining({ orgId: b.id, agentId: agent.name }),
    ]);
  });
});
