import { invalid } from '../shared/errors.js';
import { checkId, isPlainObject } from '../shared/rules.js';
import { checkJsonSize, DEFAULT_LIMITS, mergeMetadata } from '../shared/limits.js';
import type { Memory } from '../memory/memory.js';

export const SESSION_STATUSES = ['active', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A scope of work for one agent; memories name it by `sessionId`. */
export interface Session {
  /** `sess_` + 24 hex when created by memtrace; any id when a memory named it first. */
  readonly id: string;
  readonly orgId: string;
  readonly agentId: string;
  readonly status: SessionStatus;
  /** A JSON object; `{}` when none was given. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Set when the session is closed, cleared when it is reopened. */
  readonly closedAt: number | null;
}

/**
 * Checks every field of a whole session against the rules of the API: the one source of them for
 * a session the service starts and one an import restores.
 * @throws DomainError `invalid` naming the field
 */
export function checkSession(s: Session, maxMetadataBytes = DEFAULT_LIMITS.maxMetadataBytes): void {
  checkId('session_id', s.id);
  checkId('agent_id', s.agentId);
  if (!(SESSION_STATUSES as readonly string[]).includes(s.status)) {
    throw invalid(`status must be 'active' or 'closed'`);
  }
  if (!isPlainObject(s.metadata)) throw invalid('metadata must be a JSON object');
  checkJsonSize('metadata', s.metadata, maxMetadataBytes);
}

/** A change to a session. Metadata is merged key by key; a key set to null is removed. */
export interface SessionPatch {
  readonly status?: SessionStatus;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * The largest the merged metadata may be, in bytes of JSON: a merge past it changes nothing
   * and throws. Checked on the stored session inside the store's atomic step, so concurrent
   * patches cannot pass it together.
   */
  readonly maxMetadataBytes?: number;
}

/**
 * The session after `patch` at `nowMs`: the status replaced; `closedAt` set to `nowMs` when the
 * status changes to `closed`, cleared when it changes to `active`, kept otherwise; metadata merged
 * key by key with a null value removing its key; `updatedAt` = `nowMs`. Stores apply it
 * atomically.
 * @throws DomainError `invalid` when the merged metadata passes `patch.maxMetadataBytes`
 */
export function applySessionPatch(s: Session, patch: SessionPatch, nowMs: number): Session {
  const status = patch.status ?? s.status;
  let closedAt = s.closedAt;
  if (status !== s.status) closedAt = status === 'closed' ? nowMs : null;
  const metadata =
    patch.metadata === undefined
      ? s.metadata
      : mergeMetadata(s.metadata, patch.metadata, patch.maxMetadataBytes, 'session');
  return { ...s, status, metadata, updatedAt: nowMs, closedAt };
}

/**
 * The sessions that `memories` name, once each, as a memory creates a session its org does not
 * have yet: active, no metadata, the agent and recording time (`createdAt`, not the event time)
 * of the first memory that names it.
 */
export function sessionsNamedBy(memories: readonly Memory[]): Session[] {
  const named = new Map<string, Session>();
  for (const m of memories) {
    if (m.sessionId === null) continue;
    const key = `${m.orgId}\u0000${m.sessionId}`;
    const seen = named.get(key);
    if (seen && seen.createdAt <= m.createdAt) continue;
    named.set(key, {
      id: m.sessionId,
      orgId: m.orgId,
      agentId: m.agentId,
      status: 'active',
      metadata: {},
      createdAt: m.createdAt,
      updatedAt: m.createdAt,
      closedAt: null,
    });
  }
  return [...named.values()];
}
