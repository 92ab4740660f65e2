import type { AuthStore } from '../auth/auth-store.port.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid } from '../shared/errors.js';
import type { Logger } from '../shared/logger.port.js';
import { parseDuration, parseTimestamp } from '../shared/time-expression.js';
import type { MemoryPatch } from './memory-patch.js';
import { isLive, type LiveAt, type Memory, type MemoryFilter, type NewMemory } from './memory.js';
import type {
  DedupPolicy,
  InsertOutcome,
  MemoryPage,
  MemoryQuery,
  MemoryStats,
  MemoryStore,
  PriorityQuery,
} from './memory-store.port.js';

/** A {@link LiveAt} every memory passes (live at the earliest instant): reaches expired ones too. */
export const EVERY_MEMORY: LiveAt = { at: Number.MIN_SAFE_INTEGER, retentionMs: null };

/**
 * The expiry a new memory asks for: `expiresAt` (ISO 8601, in the future) or `ttl` from now, or
 * `pinned` (never expires); at most one of them.
 * @param at put before each field's name, as `memories[3].`
 * @throws DomainError `invalid` naming the field
 */
export function toExpiry(
  input: Pick<NewMemory, 'expiresAt' | 'ttl' | 'pinned'>,
  nowMs: number,
  at = '',
): { expiresAt: number | null; pinned: boolean } {
  const pinned = input.pinned ?? false;
  const hasExpiresAt = input.expiresAt !== undefined && input.expiresAt !== null;
  const hasTtl = input.ttl !== undefined && input.ttl !== null;
  if (hasExpiresAt && hasTtl) throw invalid(`${at}ttl must not be given with expires_at`);
  if (pinned && (hasExpiresAt || hasTtl)) {
    const other = hasTtl ? 'ttl' : 'expires_at';
    throw invalid(`${at}pinned must not be given with ${other}: a pinned memory never expires`);
  }
  if (hasTtl) return { expiresAt: nowMs + parseDuration(at + 'ttl', input.ttl as string), pinned };
  if (!hasExpiresAt) return { expiresAt: null, pinned };
  const expiresAt = parseTimestamp(at + 'expires_at', input.expiresAt as string);
  if (expiresAt <= nowMs) throw invalid(`${at}expires_at must be in the future`);
  return { expiresAt, pinned };
}

/** The retention each org's memories get: the org's own, else the configured default. */
export class OrgRetention {
  constructor(
    private readonly orgs: Pick<AuthStore, 'findOrg'>,
    /** MEMTRACE_DEFAULT_RETENTION in ms; null keeps memories forever. */
    private readonly defaultMs: number | null = null,
  ) {}

  /** The org's retention in ms, or null when its memories are kept until they expire. */
  async of(orgId: string): Promise<number | null> {
    const org = await this.orgs.findOrg(orgId);
    return this.apply(org?.retentionMs ?? null);
  }

  /** An org's own retention (null: none of its own) with the default applied. */
  apply(own: number | null): number | null {
    return own ?? this.defaultMs;
  }
}

/**
 * A {@link MemoryStore} whose reads and deletes reach only memories live now (see `isLive`),
 * unless the filter names its own `live`: the domain's view of the store, which every service
 * goes through. Inserts and purges pass through.
 */
export class LiveMemoryStore implements MemoryStore {
  constructor(
    private readonly store: MemoryStore,
    private readonly clock: Clock,
    private readonly retention: OrgRetention,
  ) {}

  insert(memories: readonly Memory[], dedup: DedupPolicy | null): Promise<InsertOutcome[]> {
    return this.store.insert(memories, dedup);
  }

  async findById(orgId: string, id: string): Promise<Memory | null> {
    const [live, memory] = await Promise.all([this.liveAt(orgId), this.store.findById(orgId, id)]);
    return memory && isLive(memory, live) ? memory : null;
  }

  /** Patches a live memory only: an expired one is not found, as every read says. */
  async update(orgId: string, id: string, patch: MemoryPatch): Promise<Memory | null> {
    if ((await this.findById(orgId, id)) === null) return null;
    return this.store.update(orgId, id, patch);
  }

  async find(orgId: string, query: MemoryQuery): Promise<Memory[]> {
    return this.store.find(orgId, { ...query, filter: await this.live(orgId, query.filter) });
  }

  async findPage(orgId: string, query: MemoryQuery): Promise<MemoryPage> {
    return this.store.findPage(orgId, { ...query, filter: await this.live(orgId, query.filter) });
  }

  async findByPriority(orgId: string, query: PriorityQuery): Promise<Memory[]> {
    const filter = await this.live(orgId, query.filter);
    return this.store.findByPriority(orgId, { ...query, filter });
  }

  async count(orgId: string, filter: MemoryFilter): Promise<number> {
    return this.store.count(orgId, await this.live(orgId, filter));
  }

  /**
   * Deletes the live matches only, so a forget's count (and its dry run) never counts a memory no
   * read returns; expired ones are left to the purge. Pass `live: EVERY_MEMORY` to reach them.
   */
  async delete(orgId: string, filter: MemoryFilter): Promise<number> {
    return this.store.delete(orgId, await this.live(orgId, filter));
  }

  purgeExpired(orgId: string, nowMs: number, retentionMs: number | null, limit: number) {
    return this.store.purgeExpired(orgId, nowMs, retentionMs, limit);
  }

  async stats(
    orgId: string,
    agentIds: readonly string[],
    sinceMs: number,
    live?: LiveAt,
  ): Promise<MemoryStats> {
    return this.store.stats(orgId, agentIds, sinceMs, live ?? (await this.liveAt(orgId)));
  }

  private async liveAt(orgId: string): Promise<LiveAt> {
    const retentionMs = await this.retention.of(orgId);
    return { at: this.clock.now(), retentionMs };
  }

  private async live(orgId: string, filter: MemoryFilter): Promise<MemoryFilter> {
    return filter.live !== undefined ? filter : { ...filter, live: await this.liveAt(orgId) };
  }
}

/** What {@link ExpiryPurge} deletes per call to the store, and how many calls per org and run. */
export interface PurgeSettings {
  readonly batchSize: number;
  /** Bounds one run's work per org; what is left waits for the next run. */
  readonly maxBatchesPerRun: number;
}

/**
 * Deletes expired memories of every org in bounded batches (`MemoryStore.purgeExpired`), and
 * logs at info how many per org (never their content). Reads already hide expired memories, so
 * a purge that falls behind only keeps them on disk longer.
 */
export class ExpiryPurge {
  constructor(
    private readonly store: MemoryStore,
    private readonly orgs: Pick<AuthStore, 'listOrgs'>,
    private readonly retention: OrgRetention,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: PurgeSettings,
  ) {}

  /** One pass over every org. @returns how many memories were deleted in all */
  async run(): Promise<number> {
    let total = 0;
    for (const org of await this.orgs.listOrgs()) {
      const retentionMs = this.retention.apply(org.retentionMs);
      let purged = 0;
      for (let batch = 0; batch < this.settings.maxBatchesPerRun; batch++) {
        const now = this.clock.now();
        const n = await this.store.purgeExpired(org.id, now, retentionMs, this.settings.batchSize);
        purged += n;
        if (n < this.settings.batchSize) break;
      }
      if (purged > 0)
        this.logger.info('expired memories purged', { org_id: org.id, count: purged });
      total += purged;
    }
    return total;
  }
}
