import type { LineTokens } from '../../../domain/index.js';
import type { StorageBundle } from '../storage-bundle.js';
import { InMemoryAgentStore } from './in-memory-agent-store.js';
import { InMemoryArcInstanceStore } from './in-memory-arc-instance-store.js';
import { InMemoryAuthStore } from './in-memory-auth-store.js';
import { InMemoryMemoryStore } from './in-memory-memory-store.js';
import { InMemorySessionStore } from './in-memory-session-store.js';

export {
  InMemoryAgentStore,
  InMemoryArcInstanceStore,
  InMemoryAuthStore,
  InMemoryMemoryStore,
  InMemorySessionStore,
};

/** Storage in process memory: nothing survives a restart. The reference for the contract. */
export async function createInMemoryStorage(
  options: { readonly lineTokens?: LineTokens } = {},
): Promise<StorageBundle> {
  const auth = new InMemoryAuthStore();
  return {
    driver: 'memory',
    memories: new InMemoryMemoryStore(options.lineTokens),
    sessions: new InMemorySessionStore(),
    agents: new InMemoryAgentStore(),
    auth,
    arcInstances: new InMemoryArcInstanceStore(async (id) => (await auth.findOrg(id)) !== null),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
