import { invalid } from '../shared/errors.js';
import { checkJsonSize, DEFAULT_LIMITS } from '../shared/limits.js';
import {
  checkEventType,
  checkId,
  checkImportance,
  checkTags,
  isPlainObject,
  MAX_DEDUP_KEY_LENGTH,
} from '../shared/rules.js';
import { matchesSearch, type SearchQuery } from './search-query.js';

export const MEMORY_TYPES = ['episodic', 'session', 'decision', 'entity'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export const isMemoryType = (v: string): v is MemoryType =>
  (MEMORY_TYPES as readonly string[]).includes(v);

/** One thing an agent did, decided or learned. Immutable once stored. */
export interface Memory {
  /** `mem_` + 24 hex, time-ordered. */
  readonly id: string;
  readonly orgId: string;
  readonly agentId: string;
  readonly sessionId: string | null;
  readonly memoryType: MemoryType;
  readonly eventType: string;
  readonly content: string;
  /** A JSON object; `{}` when none was given. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Distinct tags in the order given. */
  readonly tags: readonly string[];
  /** 0..1. */
  readonly importance: number;
  /** The key duplicates are recognised by; null only when dedup is off and none was given. */
  readonly dedupKey: string | null;
  readonly parentId: string | null;
  /**
   * When it happened (event time): ms since the epoch, UTC. The client's `time` when given,
   * else when it was recorded. Filters, order and context read this.
   */
  readonly time: number;
  /** When the server recorded it (ingest time): ms since the epoch, UTC. Dedup windows read this. */
  readonly createdAt: number;
  /** When it expires (ms since the epoch, UTC), or null: then the org's retention applies. */
  readonly expiresAt: number | null;
  /** A pinned memory never expires (it has no `expiresAt` and no retention applies). */
  readonly pinned: boolean;
  /** The memory this one corrects (retired by it when this one was stored), or null. */
  readonly supersedes: string | null;
  /** The memory that corrects this one; null while this one is current. */
  readonly supersededBy: string | null;
}

/** What a caller supplies to record a memory; validated and defaulted by MemoryService. */
export interface NewMemory {
  readonly agentId: string;
  readonly content: string;
  /** Default `episodic`. */
  readonly memoryType?: string | null;
  /** Default `general`. */
  readonly eventType?: string | null;
  readonly sessionId?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  readonly tags?: readonly string[] | null;
  /** Default 0. */
  readonly importance?: number | null;
  /** Default: derived from the content (see MemoryService). */
  readonly dedupKey?: string | null;
  readonly parentId?: string | null;
  /**
   * When it happened, as an RFC 3339 timestamp (see `parseTimestamp`). Default: now. Any time in
   * the past; in the future at most the configured skew (see {@link EventTimeSettings}).
   */
  readonly time?: string | null;
  /** When it expires, ISO 8601 (must be in the future); not with `ttl` or `pinned`. */
  readonly expiresAt?: string | null;
  /** How long it lives from now (`30m`, `12h`, `7d`, `1w`); not with `expiresAt` or `pinned`. */
  readonly ttl?: string | null;
  /** Never expires. Default false. */
  readonly pinned?: boolean | null;
  /** A current memory of the org that this one corrects: it is retired when this one is stored. */
  readonly supersedes?: string | null;
}

/** How far ahead of the server's clock a client's event time may be. */
export interface EventTimeSettings {
  /** ms; a `time` later than now + this is refused. */
  readonly maxFutureSkewMs: number;
}

/** Five minutes: room for clients whose clocks run a little ahead. */
export const DEFAULT_EVENT_TIME: EventTimeSettings = { maxFutureSkewMs: 5 * 60_000 };

export const DEFAULT_MEMORY_TYPE: MemoryType = 'episodic';
export const DEFAULT_EVENT_TYPE = 'general';
export const MAX_CONTENT_LENGTH = 1_000_000;

/**
 * Checks every field of a whole memory against the rules of the API: the one source of them for
 * a memory the service builds and one an import restores. Throws the first broken rule.
 * @param at put before each field's name, as `memories[3].`
 * @throws DomainError `invalid` naming the field
 */
export function checkMemory(
  m: Memory,
  at = '',
  maxMetadataBytes = DEFAULT_LIMITS.maxMetadataBytes,
): void {
  checkId(at + 'memory_id', m.id);
  checkId(at + 'agent_id', m.agentId);
  if (m.content.length === 0) throw invalid(`${at}content must not be empty`);
  if (m.content.length > MAX_CONTENT_LENGTH) {
    throw invalid(`${at}content must be at most ${MAX_CONTENT_LENGTH} characters`);
  }
  if (!isMemoryType(m.memoryType)) {
    throw invalid(`${at}memory_type must be one of ${MEMORY_TYPES.join(', ')}`);
  }
  checkEventType(at + 'event_type', m.eventType);
  if (m.sessionId !== null) checkId(at + 'session_id', m.sessionId);
  if (m.parentId !== null) checkId(at + 'parent_id', m.parentId);
  if (m.supersedes !== null) checkId(at + 'supersedes', m.supersedes);
  if (!isPlainObject(m.metadata)) throw invalid(`${at}metadata must be a JSON object`);
  checkJsonSize(`${at}metadata`, m.metadata, maxMetadataBytes);
  checkTags(at + 'tags', m.tags);
  checkImportance(at + 'importance', m.importance);
  if (
    m.dedupKey !== null &&
    (m.dedupKey.length === 0 || m.dedupKey.length > MAX_DEDUP_KEY_LENGTH)
  ) {
    throw invalid(`${at}dedup_key must be 1 to ${MAX_DEDUP_KEY_LENGTH} characters`);
  }
  if (!Number.isSafeInteger(m.createdAt)) throw invalid(`${at}created_at must be a time`);
  if (m.pinned && m.expiresAt !== null) {
    throw invalid(`${at}pinned must not be given with expires_at: a pinned memory never expires`);
  }
}

/** Filters shared by list, search, context and stats. Every given filter must hold (AND). */
export interface MemoryFilter {
  readonly agentId?: string;
  readonly sessionId?: string;
  /** Any of these types. An empty array matches nothing. */
  readonly memoryTypes?: readonly MemoryType[];
  /** Any of these event types. An empty array matches nothing. */
  readonly eventTypes?: readonly string[];
  /** All of these tags, matched exactly. */
  readonly tags?: readonly string[];
  /** Substring of the content: case-sensitive unless {@link contentContainsIgnoreCase}. */
  readonly contentContains?: string;
  /** A keyword search the content must match (see `parseSearchQuery`). */
  readonly query?: SearchQuery;
  /**
   * With `contentContains`: match regardless of case, meaning
   * `content.toLowerCase().includes(contentContains.toLowerCase())` (Unicode lowercasing, see
   * {@link contentMatches}). Ignored without `contentContains`.
   */
  readonly contentContainsIgnoreCase?: boolean;
  /** importance >= this. */
  readonly minImportance?: number;
  /** time >= since (inclusive), ms. */
  readonly since?: number;
  /** time < until (exclusive), ms. */
  readonly until?: number;
  /** Any of these memory ids. An empty array matches nothing. */
  readonly ids?: readonly string[];
  /** Also match memories a correction has retired (`supersededBy` set). Default: current only. */
  readonly includeSuperseded?: boolean;
  /** Only pinned memories (true) or only memories that are not pinned (false). */
  readonly pinned?: boolean;
  /** Only memories live at this instant (see {@link isLive}); set by the domain on every read. */
  readonly live?: LiveAt;
}

/** An instant and the org's retention there: what {@link isLive} checks a memory against. */
export interface LiveAt {
  /** ms since the epoch, UTC. */
  readonly at: number;
  /**
   * The org's retention in ms: a memory without `expiresAt` that is not pinned expires at
   * `time + retentionMs`. null: such memories are kept forever.
   */
  readonly retentionMs: number | null;
}

/** When the memory expires under the retention (ms), or null when it never does. */
export function expiryOf(m: Memory, retentionMs: number | null): number | null {
  if (m.pinned) return null;
  if (m.expiresAt !== null) return m.expiresAt;
  return retentionMs === null ? null : m.time + retentionMs;
}

/** Whether the memory is still live at `live.at`: it expires at an instant after it, or never. */
export function isLive(m: Memory, live: LiveAt): boolean {
  const expiry = expiryOf(m, live.retentionMs);
  return expiry === null || expiry > live.at;
}

/**
 * Whether `content` holds `pattern`: a literal substring (no wildcard), compared by UTF-16 code
 * units, or with `ignoreCase` after lowercasing both with `String.prototype.toLowerCase` (the
 * Unicode default lowercasing, the same in every locale).
 */
export function contentMatches(content: string, pattern: string, ignoreCase: boolean): boolean {
  return ignoreCase
    ? content.toLowerCase().includes(pattern.toLowerCase())
    : content.includes(pattern);
}

/**
 * Whether a memory matches every given filter: the meaning of {@link MemoryFilter} that every
 * store must reproduce, written once for the stores that filter in memory.
 */
export function matchesFilter(m: Memory, f: MemoryFilter): boolean {
  return (
    (f.agentId === undefined || m.agentId === f.agentId) &&
    (f.sessionId === undefined || m.sessionId === f.sessionId) &&
    (f.memoryTypes === undefined || f.memoryTypes.includes(m.memoryType)) &&
    (f.eventTypes === undefined || f.eventTypes.includes(m.eventType)) &&
    (f.tags === undefined || f.tags.every((t) => m.tags.includes(t))) &&
    (f.contentContains === undefined ||
      contentMatches(m.content, f.contentContains, f.contentContainsIgnoreCase === true)) &&
    (f.query === undefined || matchesSearch(m.content, f.query)) &&
    (f.minImportance === undefined || m.importance >= f.minImportance) &&
    (f.since === undefined || m.time >= f.since) &&
    (f.until === undefined || m.time < f.until) &&
    (f.ids === undefined || f.ids.includes(m.id)) &&
    (f.pinned === undefined || m.pinned === f.pinned) &&
    (f.live === undefined || isLive(m, f.live)) &&
    (f.includeSuperseded === true || m.supersededBy === null)
  );
}
