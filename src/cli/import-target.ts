import { createHash } from 'node:crypto';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import {
  ID_PREFIX,
  isDomainError,
  sessionsNamedBy,
  type Agent,
  type DedupPolicy,
  type IdKind,
  type Memory,
  type Session,
} from '../../domain/index.js';
import type { TransferCounts } from './transfer-counts.js';

const MEMORY_ID = /^mem_([0-9a-f]{12})[0-9a-f]{12}$/;

/**
 * The id a record of another org gets in `orgId` when the store already has its own id (ids are
 * unique in a store, not in an org): always the same for the same org and old id, so importing
 * the same export again finds the record. A memory id keeps its first 12 hex digits, its time,
 * so ids still sort by time.
 */
export function renumberedId(kind: IdKind, orgId: string, oldId: string): string {
  const hash = createHash('sha256').update(`${orgId}\n${oldId}`).digest('hex');
  const time = kind === 'memory' ? MEMORY_ID.exec(oldId)?.[1] : undefined;
  return time !== undefined
    ? `${ID_PREFIX.memory}${time}${hash.slice(0, 12)}`
    : ID_PREFIX[kind] + hash.slice(0, 24);
}

const isConflict = (e: unknown) => isDomainError(e) && e.kind === 'conflict';

/**
 * Stores imported records in one org: skips what it already has, keeps each id that is free in
 * the store and gives a new one ({@link renumberedId}) to a record whose id another org has,
 * rewriting the `session_id` and `parent_id` that name a renumbered record.
 */
export class ImportTarget {
  readonly imported: TransferCounts = { agents: 0, sessions: 0, memories: 0 };
  readonly skipped: TransferCounts = { agents: 0, sessions: 0, memories: 0 };
  renumbered = 0;
  /** Old id -> the id it has in this org, for ids that changed. */
  private readonly sessionIds = new Map<string, string>();
  private readonly memoryIds = new Map<string, string>();

  constructor(
    private readonly storage: StorageBundle,
    private readonly orgId: string,
    private readonly dedup: DedupPolicy | null,
  ) {}

  async agent(agent: Agent): Promise<void> {
    const agents = this.storage.agents;
    const renumbered = { ...agent, id: renumberedId('agent', this.orgId, agent.id) };
    if (
      (await agents.find(this.orgId, agent.id)) !== null ||
      (await agents.find(this.orgId, agent.name)) !== null ||
      (await agents.find(this.orgId, renumbered.id)) !== null
    ) {
      this.skipped.agents++;
    } else if (await created(() => agents.create(agent))) {
      this.imported.agents++;
      // The name is free in this org, so the conflict was the id: another org has it.
    } else if (await created(() => agents.create(renumbered))) {
      this.imported.agents++;
      this.renumbered++;
    } else {
      this.skipped.agents++;
    }
  }

  async session(session: Session): Promise<void> {
    const sessions = this.storage.sessions;
    const newId = renumberedId('session', this.orgId, session.id);
    if ((await sessions.findById(this.orgId, session.id)) !== null) {
      this.skipped.sessions++;
    } else if ((await sessions.findById(this.orgId, newId)) !== null) {
      this.sessionIds.set(session.id, newId);
      this.skipped.sessions++;
    } else if (await created(() => sessions.create(session))) {
      this.imported.sessions++;
    } else if (await created(() => sessions.create({ ...session, id: newId }))) {
      this.sessionIds.set(session.id, newId);
      this.imported.sessions++;
      this.renumbered++;
    } else {
      this.skipped.sessions++;
    }
  }

  /**
   * Stores a batch of memories in one call. When an id of it is taken (by another org: the ones
   * this org has are skipped first), the batch is stored one memory at a time instead.
   */
  async memories(batch: readonly Memory[]): Promise<void> {
    const seen = new Set<string>();
    const fresh: Memory[] = [];
    for (const m of batch) {
      if (seen.has(m.id) || (await this.storage.memories.findById(this.orgId, m.id)) !== null) {
        this.skipped.memories++;
      } else {
        seen.add(m.id);
        fresh.push(m);
      }
    }
    if (fresh.length === 0) return;
    const linked = fresh.map(this.relink);
    // As a memory write does: a session a memory names exists (the export's own come first).
    await this.storage.sessions.createMissing(sessionsNamedBy(linked));
    try {
      this.count(await this.storage.memories.insert(linked, this.dedup));
    } catch (e) {
      // Nothing of the batch was stored.
      if (!isConflict(e)) throw e;
      for (const m of fresh) await this.one(m);
    }
  }

  /** Stores one memory under its id or, when another org has that, its renumbered one. */
  private async one(m: Memory): Promise<void> {
    try {
      this.count(await this.storage.memories.insert([this.relink(m)], this.dedup));
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
    const newId = renumberedId('memory', this.orgId, m.id);
    this.memoryIds.set(m.id, newId);
    if ((await this.storage.memories.findById(this.orgId, newId)) !== null) {
      this.skipped.memories++;
      return;
    }
    this.count(await this.storage.memories.insert([this.relink({ ...m, id: newId })], this.dedup));
    this.renumbered++;
  }

  /** The memory with its session, parent and the memory it supersedes named by their ids here. */
  private readonly relink = (m: Memory): Memory => {
    const sessionId =
      m.sessionId === null ? null : (this.sessionIds.get(m.sessionId) ?? m.sessionId);
    const parentId = m.parentId === null ? null : (this.memoryIds.get(m.parentId) ?? m.parentId);
    const supersedes =
      m.supersedes === null ? null : (this.memoryIds.get(m.supersedes) ?? m.supersedes);
    return sessionId === m.sessionId && parentId === m.parentId && supersedes === m.supersedes
      ? m
      : { ...m, sessionId, parentId, supersedes };
  };

  private count(outcomes: readonly { status: string }[]): void {
    for (const o of outcomes) {
      if (o.status === 'created') this.imported.memories++;
      else this.skipped.memories++;
    }
  }
}

/** Runs a create; a conflict (it exists under another id, or its name is taken) is false. */
async function created(create: () => Promise<void>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (e) {
    if (isConflict(e)) return false;
    throw e;
  }
}
