import {
  alreadySuperseded,
  supersededNotFound,
  type Memory,
  type MemoryPatch,
} from '../../../domain/index.js';
import { applyMemoryPatch } from '../../../domain/index.js';
import type { ArcReader } from './arc-reader.js';
import type { StoredMemory } from './arc-wire.js';

/**
 * Corrections on Arc, which has no UPDATE: a patched or retired memory is written again, same id
 * and `seq`, with the next `revision`, and every read keeps the latest revision of each id
 * (`ONE_ROW_PER_ID`). The caller holds the insert lock of the memory's Arc database, so the
 * revision read here is still the latest when the new one is written (within this process).
 */
export class ArcCorrections {
  constructor(private readonly reader: ArcReader) {}

  /** The next revision of the org's memory after `patch`, or null when there is none. */
  async patched(orgId: string, id: string, patch: MemoryPatch): Promise<StoredMemory | null> {
    const current = await this.reader.findStored(orgId, id);
    if (!current) return null;
    return {
      memory: applyMemoryPatch(current.memory, patch),
      seq: current.seq,
      revision: current.revision + 1,
    };
  }

  /**
   * The next revisions of the memories that `created` (about to be written) supersede, retired
   * by them. A target must be a memory of the org stored before the call or earlier in
   * `created` (not later in the call, of which `callIds` are the ids, so no cycle can form) and
   * current, or already retired by the memory naming it.
   * @throws DomainError `not_found` for a target the org does not have; `conflict` for one
   *   already retired by another memory, or named twice
   */
  async retirements(
    created: readonly StoredMemory[],
    callIds: ReadonlySet<string>,
  ): Promise<StoredMemory[]> {
    const out = new Map<string, StoredMemory>();
    const earlier = new Map<string, StoredMemory>();
    for (const row of created) {
      const m = row.memory;
      earlier.set(m.id, row);
      if (m.supersedes === null) continue;
      const target = m.supersedes;
      const named = out.get(`${m.orgId}\u0000${target}`);
      if (named) throw alreadySuperseded(target, named.memory.supersededBy);
      const stored =
        target === m.id
          ? null
          : (earlier.get(target) ??
            (callIds.has(target) ? null : await this.reader.findStored(m.orgId, target)));
      if (stored && stored.memory.orgId !== m.orgId) throw supersededNotFound(target);
      if (!stored) throw supersededNotFound(target);
      const by = stored.memory.supersededBy;
      if (by !== null && by !== m.id) throw alreadySuperseded(target, by);
      out.set(`${m.orgId}\u0000${target}`, retired(stored, m));
    }
    return [...out.values()];
  }
}

const retired = (stored: StoredMemory, by: Memory): StoredMemory => ({
  memory: { ...stored.memory, supersededBy: by.id },
  seq: stored.seq,
  revision: stored.revision + 1,
});
