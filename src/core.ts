/**
 * memtrace's core as a library: the domain services on a storage of your choice, without the
 * HTTP server. The server, the CLI and the tests build their services here too.
 *
 * ```ts
 * const storage = await openStorage({ driver: 'memory' });
 * const memtrace = createMemtrace({ storage });
 * await memtrace.auth.bootstrap();
 * ```
 */
import type { StorageBundle } from '../adapters/storage/storage-bundle.js';
import { AesGcmSecretBox } from '../adapters/system/aes-gcm-secret-box.js';
import { NodeCrypto } from '../adapters/system/node-crypto.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { TimeOrderedIdGenerator } from '../adapters/system/time-ordered-id-generator.js';
import { gptTokenCounters } from '../adapters/tokenizer/gpt-token-counter.js';
import {
  AgentService,
  ArcInstanceService,
  AuthService,
  CachedAuthStore,
  ContextService,
  DEFAULT_LIMITS,
  LiveMemoryStore,
  MemoryService,
  OrgRetention,
  SessionService,
  type Clock,
  type Crypto,
  type DedupSettings,
  type EventTimeSettings,
  type IdGenerator,
  type Limits,
  type Logger,
  type MemoryStore,
  type SecretBox,
  type TokenCounters,
  type TokenizerName,
} from '../domain/index.js';

export { openStorage, type StorageOptions } from './storage.js';
export type { StorageBundle } from '../adapters/storage/storage-bundle.js';
export * from '../domain/index.js';

/** Dedup as the server has it unless configured: on, over the last 24 hours. */
export const DEFAULT_DEDUP: DedupSettings = { enabled: true, windowHours: 24 };

export interface MemtraceOptions {
  /** An opened storage (see `openStorage`); closing it stays with the caller. */
  readonly storage: StorageBundle;
  /** The time every record is stamped with; the system clock by default. */
  readonly clock?: Clock;
  /** Record ids; time-ordered ones by default. */
  readonly ids?: IdGenerator;
  /** Hashing and key generation; node:crypto by default. */
  readonly crypto?: Crypto;
  /** How recording drops repeats; {@link DEFAULT_DEDUP} by default. */
  readonly dedup?: DedupSettings;
  /** The limits on one request's size and work (MEMTRACE_LIMITS_*); the defaults unless given. */
  readonly limits?: Limits;
  /** How far in the future a memory's `time` may be; five minutes by default. */
  readonly eventTime?: EventTimeSettings;
  /** Seals the Arc API keys of orgs routed to their own Arc; by default one on `masterKey`. */
  readonly secrets?: SecretBox;
  /** MEMTRACE_MASTER_KEY (64 hex digits or base64 of 32 bytes); without it Arc keys cannot be sealed. */
  readonly masterKey?: string;
  /** Where deletions (forget, session and agent deletes) are recorded; nothing is logged by default. */
  readonly logger?: Logger;
  /** The retention (ms) of orgs without their own (MEMTRACE_DEFAULT_RETENTION); null: forever. */
  readonly defaultRetentionMs?: number | null;
  /** The tokenizer a context request that names none is counted with; `o200k_base` by default. */
  readonly contextTokenizer?: TokenizerName;
  /** Token counters by tokenizer; gpt-tokenizer's by default. */
  readonly tokenCounters?: TokenCounters;
}

/** The domain services of one storage. */
export interface Memtrace {
  /** Record, get, list and search memories. */
  readonly memories: MemoryService;
  /** Create, read, list and update (e.g. close) sessions. */
  readonly sessions: SessionService;
  /** The context of a session for an LLM prompt (`context.forSession`). */
  readonly context: ContextService;
  /** Registered agents and their stats. */
  readonly agents: AgentService;
  /** Orgs and API keys (`auth.bootstrap()` makes the default org and its admin key). */
  readonly auth: AuthService;
  /** The orgs routed to an Arc instance of their own. */
  readonly arcInstances: ArcInstanceService;
  /** The retention each org's memories get (its own, else the default). */
  readonly retention: OrgRetention;
  /** The store as the services read it: expired memories hidden (export reads it too). */
  readonly liveMemories: MemoryStore;
}

/**
 * The one place the domain services are built: on `storage`, with the server's defaults for
 * everything not given.
 */
export function createMemtrace(options: MemtraceOptions): Memtrace {
  const { storage } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? new TimeOrderedIdGenerator();
  const crypto = options.crypto ?? new NodeCrypto();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const secrets = options.secrets ?? new AesGcmSecretBox(options.masterKey);
  // Keys and orgs as every request reads them, reused for a moment; changes made here drop them.
  const authStore = new CachedAuthStore(storage.auth, clock);
  const retention = new OrgRetention(authStore, options.defaultRetentionMs ?? null);
  // Every service reads memories through this view, so no read path returns an expired one.
  const memories = new LiveMemoryStore(storage.memories, clock, retention);
  const sessions = new SessionService(
    storage.sessions,
    memories,
    clock,
    ids,
    limits,
    options.logger,
  );
  return {
    memories: new MemoryService(
      memories,
      clock,
      ids,
      crypto,
      options.dedup ?? DEFAULT_DEDUP,
      storage.sessions,
      limits,
      options.logger,
      options.eventTime,
    ),
    sessions,
    context: new ContextService(
      sessions,
      memories,
      clock,
      options.tokenCounters ?? gptTokenCounters(),
      limits,
      options.contextTokenizer,
    ),
    agents: new AgentService(
      storage.agents,
      storage.sessions,
      memories,
      clock,
      ids,
      limits,
      options.logger,
    ),
    auth: new AuthService(authStore, clock, ids, crypto),
    arcInstances: new ArcInstanceService(storage.arcInstances, authStore, secrets, clock),
    retention,
    liveMemories: memories,
  };
}
