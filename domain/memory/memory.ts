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
