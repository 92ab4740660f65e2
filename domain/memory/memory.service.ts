import type { Principal } from '../auth/auth.js';
import type { Clock } from '../shared/clock.port.js';
import type { Crypto } from '../shared/crypto.port.js';
import { DomainError, invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import { silentLogger, type Logger } from '../shared/logger.port.js';
import { checkId } from '../shared/rules.js';
import { DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import {
  DEFAULT_EVENT_TIME,
  type EventTimeSettings,
  type Memory,
  type NewMemory,
} from './memory.js';
import { MemoryBuilder, type DedupSettings } from './memory-builder.js';
import type { MemoryListInput } from './memory-query.js';
import { readMemoryList, type MemoryList } from './memory-list.js';
import type { DedupPolicy, InsertOutcome, MemoryStore } from './memory-store.port.js';
import { EVERY_MEMORY } from './expiry.js';
import { toMemoryPatch, type MemoryPatchInput } from './memory-patch.js';
import { checkSupersedes } from './supersede-check.js';
import { forgetLogMeta, toForgetFilter, type ForgetInput, type ForgetOutcome } from './forget.js';
import { sessionsNamedBy } from '../session/session.js';
import type { SessionStore } from '../session/session-store.port.js';

export interface BatchResult {
  readonly memories: readonly Memory[];
  /** Input positions that were duplicates, with the memory each duplicates. */
  readonly duplicates: readonly { readonly index: number; readonly existingId: string }[];
}

/** The largest number of memories one batch may carry. */
export const MAX_BATCH_SIZE = 10_000;

/** Records and reads memories. */
export class MemoryService {
  private readonly builder: MemoryBuilder;

  constructor(
    private readonly store: MemoryStore,
    private readonly clock: Clock,
    ids: IdGenerator,
    crypto: Crypto,
    private readonly dedup: DedupSettings,
    private readonly sessions: SessionStore,
    private readonly limits: Limits = DEFAULT_LIMITS,
    /** Where each deletion is recorded (org, key, filter, count; never content). */
    private readonly logger: Logger = silentLogger,
    /** How far in the future a client's `time` may be. */
    eventTime: EventTimeSettings = DEFAULT_EVENT_TIME,
  ) {
    this.builder = new MemoryBuilder(ids, crypto, dedup, limits, eventTime);
  }

  /**
   * Records one memory. A session it names that the org does not have is created first (see
   * {@link sessionsNamedBy}), so every session id a memory carries is a session.
   * @throws DomainError `invalid` naming the field; `conflict` (with `memory_id` of the stored
   *   one) when it duplicates a memory within the dedup window
   */
  async create(orgId: string, input: NewMemory): Promise<Memory> {
    const memory = this.builder.build(orgId, input, this.clock.now(), '');
    await checkSupersedes(this.store, orgId, [memory]);
    await this.sessions.createMissing(sessionsNamedBy([memory]));
    const [outcome] = await this.insertReplacingExpired(orgId, [memory]);
    if (outcome?.status === 'duplicate') {
      throw new DomainError(
        'conflict',
        'DUPLICATE_MEMORY',
        'duplicate memory: a memory with the same dedup_key was recorded within the dedup window',
        { memory_id: outcome.existingId },
      );
    }
    return memory;
  }

  /**
   * Records many memories in one atomic step: if any item is invalid nothing is stored and the
   * error names the item (`memories[3].agent_id ...`). Duplicates are skipped and reported.
   */
  async createMany(orgId: string, inputs: readonly NewMemory[]): Promise<BatchResult> {
    if (inputs.length === 0) throw invalid('memories must contain at least one memory');
    if (inputs.length > MAX_BATCH_SIZE) {
      throw invalid(`memories must contain at most ${MAX_BATCH_SIZE} memories per request`);
    }
    const now = this.clock.now();
    const built = inputs.map((input, i) =>
      this.builder.build(orgId, input, now, `memories[${i}].`),
    );
    const tags = built.reduce((n, m) => n + m.tags.length, 0);
    if (tags > this.limits.maxBatchTags) {
      throw invalid(
        `memories must carry at most ${this.limits.maxBatchTags} tags in all per request, got ${tags}`,
      );
    }
    await checkSupersedes(this.store, orgId, built);
    await this.sessions.createMissing(sessionsNamedBy(built));
    const outcomes = await this.insertReplacingExpired(orgId, built);
    const memories: Memory[] = [];
    const duplicates: { index: number; existingId: string }[] = [];
    outcomes.forEach((o, index) => {
      if (o.status === 'created') memories.push(o.memory);
      else duplicates.push({ index, existingId: o.existingId });
    });
    return { memories, duplicates };
  }

  /**
   * One memory, current or retired (`supersededBy` tells which).
   * @throws DomainError `not_found` when the org has no memory with this id
   */
  async get(orgId: string, id: string): Promise<Memory> {
    const memory = await this.store.findById(orgId, id);
    if (!memory) throw notFound('memory', 'MEMORY_NOT_FOUND');
    return memory;
  }

  /**
   * Corrects a memory's importance, tags, metadata (merged key by key, null removes), pinned or
   * expires_at in one atomic store step. See {@link toMemoryPatch} for the rules.
   * @returns the memory after the change
   * @throws DomainError `invalid` naming the field (an immutable one says to supersede);
   *   `not_found` when the org has no memory with this id
   */
  async update(orgId: string, id: string, input: MemoryPatchInput): Promise<Memory> {
    checkId('memory_id', id);
    const patch = toMemoryPatch(input, this.limits.maxMetadataBytes, this.clock.now());
    const memory = await this.store.update(orgId, id, patch);
    if (!memory) throw notFound('memory', 'MEMORY_NOT_FOUND');
    return memory;
  }

  /**
   * Every version of the chain the memory belongs to, oldest first: the memories it supersedes
   * (followed back) and those that supersede it (followed forward). A version that was forgotten
   * ends the chain on its side.
   * @throws DomainError `not_found` when the org has no memory with this id
   */
  async history(orgId: string, id: string): Promise<Memory[]> {
    const memory = await this.get(orgId, id);
    const seen = new Set([memory.id]);
    const older: Memory[] = [];
    for (let at = memory.supersedes; at !== null && !seen.has(at);) {
      const m = await this.store.findById(orgId, at);
      if (!m) break;
      seen.add(m.id);
      older.unshift(m);
      at = m.supersedes;
    }
    const newer: Memory[] = [];
    for (let at = memory.supersededBy; at !== null && !seen.has(at);) {
      const m = await this.store.findById(orgId, at);
      if (!m) break;
      seen.add(m.id);
      newer.push(m);
      at = m.supersededBy;
    }
    return [...older, memory, ...newer];
  }

  /**
   * Deletes one memory of the actor's org, logged at info with the actor's key.
   * @throws DomainError `not_found` when the org has no memory with this id
   */
  async delete(actor: Principal, id: string): Promise<void> {
    const filter = { ids: [id], includeSuperseded: true };
    const deleted = await this.store.delete(actor.orgId, filter);
    if (deleted === 0) throw notFound('memory', 'MEMORY_NOT_FOUND');
    this.logger.info('memories forgotten', forgetLogMeta(actor, filter, deleted));
  }

  /**
   * Deletes every memory of the actor's org that the filters and ids match, in one atomic store
   * call, and logs it at info; with `dryRun` only counts them. See {@link ForgetInput} for the
   * rules (an empty filter needs `all`, which needs an admin key).
   * @throws DomainError `invalid` naming the field; `forbidden` for `all` without admin
   */
  async forget(actor: Principal, input: ForgetInput): Promise<ForgetOutcome> {
    const filter = toForgetFilter(actor, input, this.clock.now(), this.limits.maxFilterValues);
    if (input.dryRun === true) {
      return { count: await this.store.count(actor.orgId, filter), dryRun: true };
    }
    const deleted = await this.store.delete(actor.orgId, filter);
    this.logger.info('memories forgotten', forgetLogMeta(actor, filter, deleted));
    return { count: deleted, dryRun: false };
  }

  /**
   * Lists memories by the list endpoint's filters (`memory_type`, `event_type` naming); see
   * {@link readMemoryList}.
   */
  list(orgId: string, input: MemoryListInput): Promise<MemoryList> {
    return this.read(orgId, input, 'list');
  }

  /**
   * Searches memories by the search endpoint's filters (`memory_types`, `event_types` naming);
   * see {@link readMemoryList}.
   */
  search(orgId: string, input: MemoryListInput): Promise<MemoryList> {
    return this.read(orgId, input, 'search');
  }

  private read(
    orgId: string,
    input: MemoryListInput,
    kind: 'list' | 'search',
  ): Promise<MemoryList> {
    const now = this.clock.now();
    return readMemoryList(this.store, orgId, input, kind, now, this.limits.maxFilterValues);
  }

  /**
   * Inserts, and then once more the items that were duplicates only of memories no read returns
   * any more (expired, not yet purged): those are deleted first (as the purge would), so an
   * expired memory neither blocks its successor nor shows its id in a 409.
   */
  private async insertReplacingExpired(
    orgId: string,
    memories: readonly Memory[],
  ): Promise<InsertOutcome[]> {
    const outcomes = await this.store.insert(memories, this.policy());
    const held = [
      ...new Set(outcomes.flatMap((o) => (o.status === 'duplicate' ? [o.existingId] : []))),
    ];
    if (held.length === 0) return outcomes;
    const query = { filter: { ids: held }, order: 'asc' as const, limit: null, offset: 0 };
    const live = new Set((await this.store.find(orgId, query)).map((m) => m.id));
    const gone = held.filter((id) => !live.has(id));
    if (gone.length === 0) return outcomes;
    await this.store.delete(orgId, { ids: gone, live: EVERY_MEMORY });
    const again = outcomes.flatMap((o, i) =>
      o.status === 'duplicate' && gone.includes(o.existingId) ? [i] : [],
    );
    const retried = await this.store.insert(
      again.map((i) => memories[i] as Memory),
      this.policy(),
    );
    again.forEach((i, k) => (outcomes[i] = retried[k] as InsertOutcome));
    return outcomes;
  }

  private policy(): DedupPolicy | null {
    return this.dedup.enabled ? { windowMs: this.dedup.windowHours * 3_600_000 } : null;
  }
}
