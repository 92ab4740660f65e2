import { createInMemoryStorage } from '../../adapters/storage/in-memory/index.js';
import { describeStorageContract } from './storage.contract.js';

// Each test gets a fresh bundle: reset replaces the stores' contents.
describeStorageContract({
  name: 'in-memory',
  countsWithPage: true,
  open: () => createInMemoryStorage(),
  reset: async (s) => {
    for (const store of [s.memories, s.sessions, s.agents, s.auth, s.arcInstances]) {
      (store as unknown as { clear(): void }).clear();
    }
  },
  close: (s) => s.close(),
});
