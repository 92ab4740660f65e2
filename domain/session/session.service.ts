import { actorLogMeta, type Principal } from '../auth/auth.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import { toLimit, toOffset } from '../memory/memory-query.js';
import { cursorPosition, nextCursor } from '../shared/cursor.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import { silentLogger, type Logger } from '../shared/logger.port.js';
import { checkJsonSize, DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import { checkId, isPlainObject } from '../shared/rules.js';
import type { Session, SessionStatus } from './session.js';
import { checkSession, SESSION_STATUSES, sessionsNamedBy } from './session.js';
import type { SessionStore } from './session-store.port.js';

export interface NewSession {
  readonly agentId: string;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
}

export interface SessionListInput {
  readonly agentId?: string;
  readonly status?: string;
  readonly limit?: number;
  readonly offset?: number;
  /** The `nextCursor` of an earlier page with the same filters. */
  readonly cursor?: string;
}

export interface SessionUpdateInput {
  readonly status?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Sessions: create, read, list, update and delete (their context is the ContextService's). */
export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly memories: MemoryStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limits: Limits = DEFAULT_LIMITS,
    /** Where each deletion is recorded (org, key, ids, counts; never content). */
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Starts an active session for an agent id (registration of the agent is not needed). */
  async create(orgId: string, input: NewSession): Promise<Session> {
    if (!input.agentId) throw invalid('agent_id is required');
    const now = this.clock.now();
    const session: Session = {
      id: this.ids.next('session', now),
      orgId,
      agentId: input.agentId,
      status: 'active',
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    checkSession(session, this.limits.maxMetadataBytes);
    await this.sessions.create(session);
    return session;
  }

  /**
   * The org's session; one that only memories name (stored before a memory write created its
   * session) is created now from its first memory.
   * @throws DomainError `not_found` when neither a session nor a memory of the org has the id
   */
  async get(orgId: string, id: string): Promise<Session> {
    const session =
      (await this.sessions.findById(orgId, id)) ?? (await this.createFromMemories(orgId, id));
    if (!session) throw notFound('session', 'SESSION_NOT_FOUND');
    return session;
  }

  /**
   * A page of the org's sessions, newest first; `cursor` (a `nextCursor` of the same agent and
   * status filters) continues after an earlier page.
   * @throws DomainError `invalid` for a bad filter, limit, offset or cursor
   */
  async list(orgId: string, input: SessionListInput) {
    if (input.agentId !== undefined) checkId('agent_id', input.agentId);
    const status = input.status === undefined ? undefined : toStatus(input.status);
    const limit = toLimit(input.limit);
    const offset = toOffset(input.offset);
    const scope = { orgId, list: 'sessions', query: { agentId: input.agentId, status } };
    const after = cursorPosition(scope, input.cursor, offset);
    const page = await this.sessions.list(orgId, {
      limit: limit + 1,
      offset,
      ...(after !== undefined ? { after } : {}),
      ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
      ...(status !== undefined ? { status } : {}),
    });
    return {
      sessions: page.items.slice(0, limit),
      count: page.total,
      hasMore: page.items.length > limit,
      nextCursor: nextCursor(scope, page.positions, limit),
    };
  }

  /**
   * Changes status and/or merges metadata (a key set to null is removed); a session that only
   * memories name is created first (see {@link get}).
   * @throws DomainError `invalid` for an empty change, a bad status, or metadata that would pass
   *   `Limits.maxMetadataBytes` once merged (nothing is changed then); `not_found`
   */
  async update(orgId: string, id: string, input: SessionUpdateInput): Promise<Session> {
    if (input.status === undefined && input.metadata === undefined) {
      throw invalid('status or metadata is required');
    }
    if (input.metadata !== undefined && !isPlainObject(input.metadata)) {
      throw invalid('metadata must be a JSON object');
    }
    if (input.metadata !== undefined) {
      checkJsonSize('metadata', input.metadata, this.limits.maxMetadataBytes);
    }
    const patch = {
      ...(input.status !== undefined ? { status: toStatus(input.status) } : {}),
      ...(input.metadata !== undefined
        ? { metadata: input.metadata, maxMetadataBytes: this.limits.maxMetadataBytes }
        : {}),
    };
    let session = await this.sessions.update(orgId, id, patch, this.clock.now());
    if (!session && (await this.createFromMemories(orgId, id))) {
      session = await this.sessions.update(orgId, id, patch, this.clock.now());
    }
    if (!session) throw notFound('session', 'SESSION_NOT_FOUND');
    return session;
  }

  /**
   * Deletes the session and all its memories, and logs it at info ("session deleted": org, key,
   * session id, how many memories). The memories go first, then the session, so a retry after a
   * failure part way (the memories may live in another backend than sessions, as on Arc)
   * finishes the job. A session that only memories name (see {@link get}) is deleted with them.
   *
   * A memory written to the session while it is deleted, or after, is not part of the delete:
   * it is kept, and the session id is known again from then on as a new session (status active,
   * empty metadata, created at that memory's time), as for any memory naming an unknown session.
   * @returns how many memories were deleted with the session
   * @throws DomainError `not_found` when the org has neither a session nor a memory of this id;
   *   `unavailable` when a backend cannot delete (nothing after the failing step is deleted)
   */
  async delete(actor: Principal, id: string): Promise<{ readonly memoriesDeleted: number }> {
    // Every version: the memories a correction retired go with the session too.
    const memoriesDeleted = await this.memories.delete(actor.orgId, {
      sessionId: id,
      includeSuperseded: true,
    });
    const removed = await this.sessions.delete(actor.orgId, id);
    if (!removed && memoriesDeleted === 0) throw notFound('session', 'SESSION_NOT_FOUND');
    this.logger.info('session deleted', {
      ...actorLogMeta(actor),
      session_id: id,
      memories_deleted: memoriesDeleted,
    });
    return { memoriesDeleted };
  }

  /**
   * Checks that a session id is known: it was created, or a memory of the org names it (then
   * the session is created, see {@link get}).
   * @throws DomainError `not_found` when neither holds
   */
  async requireKnownSession(orgId: string, sessionId: string): Promise<void> {
    await this.get(orgId, sessionId);
  }

  /**
   * Creates the session that the org's memories name, from the first of them, when they name
   * one (memories stored before memory writes created their sessions, e.g. on Arc).
   * @returns the session, or null when no memory of the org names the id
   */
  private async createFromMemories(orgId: string, id: string): Promise<Session | null> {
    const first = await this.memories.find(orgId, {
      filter: { sessionId: id },
      order: 'asc',
      limit: 1,
      offset: 0,
    });
    if (first.length === 0) return null;
    await this.sessions.createMissing(sessionsNamedBy(first));
    return this.sessions.findById(orgId, id);
  }
}

function toStatus(value: string): SessionStatus {
  if (!(SESSION_STATUSES as readonly string[]).includes(value)) {
    throw invalid(`status must be 'active' or 'closed'`);
  }
  return value as SessionStatus;
}
