import type { Memory } from './memory.js';
import { alreadySuperseded, supersededNotFound } from './memory-patch.js';
import type { MemoryStore } from './memory-store.port.js';

/**
 * Checks, before a create, what the store checks again atomically as it inserts: each
 * `supersedes` names a memory the org has (stored before, or earlier in the same call) that no
 * other memory corrects yet. A create the store would refuse so fails before it creates the
 * sessions its memories name, and leaves nothing behind.
 * @throws DomainError `not_found` or `conflict`, as the store would
 */
export async function checkSupersedes(
  store: Pick<MemoryStore, 'findById'>,
  orgId: string,
  memories: readonly Memory[],
): Promise<void> {
  const earlier = new Set<string>();
  for (const m of memories) {
    if (m.supersedes !== null && !earlier.has(m.supersedes)) {
      const target = await store.findById(orgId, m.supersedes);
      if (target === null) throw supersededNotFound(m.supersedes);
      if (target.supersededBy !== null) {
        throw alreadySuperseded(m.supersedes, target.supersededBy);
      }
    }
    earlier.add(m.id);
  }
}
