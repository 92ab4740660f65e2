import type {
  AgentStore,
  ArcInstanceStore,
  AuthStore,
  MemoryStore,
  SessionStore,
} from '../../domain/index.js';

/** The storage drivers memtrace has (MEMTRACE_STORAGE_DRIVER). */
export const STORAGE_DRIVERS = ['memory', 'sqlite', 'postgres', 'arc'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/** Everything a storage driver provides, made by its `create<Driver>Storage` factory. */
export interface StorageBundle {
  readonly driver: StorageDriver;
  readonly memories: MemoryStore;
  readonly sessions: SessionStore;
  readonly agents: AgentStore;
  readonly auth: AuthStore;
  /** Which orgs are routed to an Arc instance of their own; kept beside the orgs. */
  readonly arcInstances: ArcInstanceStore;
  /** Resolves when the backend answers; rejects (DomainError `unavailable`) when it does not. */
  ping(): Promise<void>;
  /** Releases connections and files. Idempotent. */
  close(): Promise<void>;
}
