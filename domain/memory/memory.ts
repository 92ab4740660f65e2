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
  /** When it was recorded: ms since the epoch, UTC. */
  readonly time: number;
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
}

export const DEFAULT_MEMORY_TYPE: MemoryType = 'episodic';
export const DEFAULT_EVENT_TYPE = 'general';
export const MAX_CONTENT_LENGTH = 1_000_000;

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
  /** Case-sensitive substring of the content. */
  readonly contentContains?: string;
  /** importance >= this. */
  readonly minImportance?: number;
  /** time >= since (inclusive), ms. */
  readonly since?: number;
  /** time < until (exclusive), ms. */
  readonly until?: number;
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
    (f.contentContains === undefined || m.content.includes(f.contentContains)) &&
    (f.minImportance === undefined || m.importance >= f.minImportance) &&
    (f.since === undefined || m.time >= f.since) &&
    (f.until === undefined || m.time < f.until)
  );
}
