import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { loadConfig } from '../../src/config/index.js';
import { openConfiguredStorage } from '../../src/modules/storage.module.js';
import { aMemory, anAgent, aSession } from '../support/builders.js';
import { startFakeArc, type FakeArc } from '../support/fake-arc/index.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  urlWithSchema,
  withAdminClient,
} from '../support/postgres-harness.js';

/** The arc driver as the server opens it from its config, with orgs and the rest in PostgreSQL. */
describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `arc driver with PostgreSQL for orgs, keys, agents and sessions${
    TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''
  }`,
  () => {
    const schema = randomSchemaName('arc');
    let fake: FakeArc;
    let storage: StorageBundle;
    beforeAll(async () => {
      fake = await startFakeArc({ deleteEnabled: true });
      await createSchema(schema);
      const config = loadConfig(
        {
          MEMTRACE_STORAGE_DRIVER: 'arc',
          MEMTRACE_ARC_URL: fake.url,
          MEMTRACE_STORAGE_POSTGRES_URL: urlWithSchema(TEST_POSTGRES_URL as string, schema),
        },
        '/nonexistent',
      );
      storage = await openConfiguredStorage(config);
    });
    afterAll(async () => {
      await storage?.close();
      await dropSchema(schema);
      await fake?.stop();
    });

    it('keeps memories in Arc and agents and sessions in PostgreSQL, and pings both', async () => {
      expect(storage.driver).toBe('arc');
      const m = aMemory();
      await storage.memories.insert([m], null);
      const agent = anAgent();
      await storage.agents.create(agent);
      const session = aSession();
      await storage.sessions.create(session);
      expect(await storage.memories.findById(m.orgId, m.id)).toEqual(m);
      expect(await storage.agents.find(agent.orgId, agent.id)).toEqual(agent);
      expect(await storage.sessions.findById(session.orgId, session.id)).toEqual(session);
      const rows = await withAdminClient((c) =>
        c.query<{ id: string }>(`SELECT id FROM "${schema}".agents`),
      );
      expect(rows.rows.map((r) => r.id)).toEqual([agent.id]);
      expect(fake.requests.some((r) => r.path === '/api/v1/write/msgpack')).toBe(true);
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  },
);
