import type { Page, PageRequest } from '../shared/page.js';
import type { Session, SessionPatch, SessionStatus } from './session.js';

export interface SessionListQuery extends PageRequest {
  readonly agentId?: string;
  readonly status?: SessionStatus;
}

/** Sessions, scoped to one org in every method. */
export interface SessionStore {
  /**
   * Stores a new session.
   * @throws DomainError `conflict` when a session with this id exists
   */
  create(session: Session): Promise<void>;

  /**
   * Stores each session whose id its org does not have yet (the first of several with one id);
   * a session that exists is left as it is. Never fails for an id that exists, however many
   * calls create the same session at the same moment, and never stores one twice. A session id
   * is unique within its org only: two orgs may each have a session of the same id.
   */
  createMissing(sessions: readonly Session[]): Promise<void>;

  /** The session with this id in this org, or null. */
  findById(orgId: string, id: string): Promise<Session | null>;

  /** Sessions of the org, newest `createdAt` first (ties: latest inserted first). */
  list(orgId: string, query: SessionListQuery): Promise<Page<Session>>;

  /**
   * Applies a patch atomically (concurrent patches never lose each other's metadata keys):
   * `status` replaces the status; `closedAt` becomes `nowMs` when the status changes to
   * `closed` and null when it changes to `active`; `metadata` keys are merged, a null value
   * removes its key; `updatedAt` becomes `nowMs`.
   * @returns the session after the change, or null when the org has no such session
   */
  update(orgId: string, id: string, patch: SessionPatch, nowMs: number): Promise<Session | null>;

  /**
   * Removes the org's session with this id (its memories are the MemoryStore's). The id may be
   * created again afterwards, as a new session. Idempotent.
   * @returns whether a session was removed (false for an unknown id or another org's)
   */
  delete(orgId: string, id: string): Promise<boolean>;

  /**
   * Removes every session of the org whose agent id is `agentId`, in one step. Idempotent.
   * @returns how many were removed
   */
  deleteByAgent(orgId: string, agentId: string): Promise<number>;

  /** Sessions of the org whose agent id is one of `agentIds`: all, and those `active`. */
  countByAgent(
    orgId: string,
    agentIds: readonly string[],
  ): Promise<{ readonly total: number; readonly active: number }>;
}
