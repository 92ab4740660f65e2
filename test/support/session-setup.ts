import { createInMemoryStorage } from '../../adapters/storage/in-memory/index.js';
import type { NewMemory } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import { FixedClock } from './fixed-clock.js';
import { SequentialIds } from './sequential-ids.js';

/** The org the session and context unit tests act as, and another one. */
export const ORG = 'org_a';
export const OTHER_ORG = 'org_b';
/** Where their clock starts. */
export const T0 = Date.UTC(2026, 1, 13, 10, 30, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * The core on an in-memory store with a fixed clock at T0, sequential ids and dedup on, plus
 * `remember`: records a memory of agent_abc `minutesAfterT0` after T0 and leaves the clock there.
 */
export async function sessionSetup() {
  const storage = await createInMemoryStorage();
  const clock = new FixedClock(T0);
  const ids = new SequentialIds();
  const { sessions, context, memories } = createMemtrace({
    storage,
    clock,
    ids,
    dedup: { enabled: true, windowHours: 24 },
  });
  const remember = async (
    minutesAfterT0: number,
    input: Partial<NewMemory> & { content: string },
  ) => {
    clock.set(T0 + minutesAfterT0 * MINUTE);
    return memories.create(ORG, { agentId: 'agent_abc', ...input });
  };
  return { sessions, context, memories, clock, remember, storage };
}
