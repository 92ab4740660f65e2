import type { AgentStore } from '../agent/agent-store.port.js';
import type { AuthStore } from '../auth/auth-store.port.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import type { ArcInstanceStore } from '../arc-instance/arc-instance-store.port.js';
import type { SessionStore } from '../session/session-store.port.js';

/**
 * Every store the core needs, as one storage backend provides them (each storage driver's
 * `create<Driver>Storage` factory makes one, with the driver's name).
 */
export interface StoragePorts {
  /** The storage driver's name (`sqlite`, `postgres`, ...), as metrics and logs label it. */
  readonly driver: string;
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
