import type { StorageBundle } from '../storage-bundle.js';
import { InMemoryAgentStore } from './in-memory-agent-store.js';
import { InMemoryAuthStore } from './in-memory-auth-store.js';
import { InMemoryMemoryStore } from './in-memory-memory-store.js';
import { InMemorySessionStore } from './in-memory-session-store.js';

export { InMemoryAgentStore, InMemoryAuthStore, InMemoryMemoryStore, InMemorySessionStore };

/** Storage in process memory: nothing survives a restart. The reference for the contract. */
export async function createInMemoryStorage(): Promise<StorageBundle> {
  return {
    driver: 'memory',
    memories: new InMemoryMemoryStore(),
    sessions: new InMemorySessionStore(),
    agents: new InMemoryAgentStore(),
    auth: new InMemoryAuthStore(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
