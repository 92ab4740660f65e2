import { createInMemoryStorage } from '../../adapters/storage/in-memory/index.js';
import { TEST_LINE_TOKENS } from '../support/line-tokens.js';
import { describeStorageContract } from './storage.contract.js';

// Each test gets a fresh bundle: reset replaces the stores' contents.
describeStorageContract({
  name: 'in-memory',
  countsWithPage: true,
  keepsLineTokens: true,
  open: () => createInMemoryStorage({ lineTokens: TEST_LINE_TOKENS }),
  reset: async (s) => {
    for (const store of [s.memories, s.sessions, s.agents, s.auth, s.arcInstances]) {
      (store as unknown as { clear(): void }).clear();
    }
  },
  close: (s) => s.close(),
});
