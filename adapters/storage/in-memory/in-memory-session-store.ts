import type {
  Page,
  Session,
  SessionListQuery,
  SessionPatch,
  SessionStore,
} from '../../../domain/index.js';
import { applySessionPatch, DomainError, isPast } from '../../../domain/index.js';

/** Sessions in process memory: the reference implementation of the SessionStore contract. */
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, { seq: number; session: Session }>();
  private seq = 0;

  async create(session: Session): Promise<void> {
    if (this.sessions.has(keyOf(session.orgId, session.id))) {
      throw new DomainError('conflict', 'SESSION_EXISTS', `session ${session.id} already exists`);
    }
    this.sessions.set(keyOf(session.orgId, session.id), {
      seq: ++this.seq,
      session: clone(session),
    });
  }

  async createMissing(sessions: readonly Session[]): Promise<void> {
    for (const session of sessions) {
      if (!this.sessions.has(keyOf(session.orgId, session.id))) await this.create(session);
    }
  }

  async findById(orgId: string, id: string): Promise<Session | null> {
    const row = this.sessions.get(keyOf(orgId, id));
    return row ? clone(row.session) : null;
  }

  async list(orgId: string, query: SessionListQuery): Promise<Page<Session>> {
    const matches = [...this.sessions.values()]
      .filter(
        ({ session: s }) =>
          s.orgId === orgId &&
          (query.agentId === undefined || s.agentId === query.agentId) &&
          (query.status === undefined || s.status === query.status),
      )
      .sort((a, b) => b.session.createdAt - a.session.createdAt || b.seq - a.seq);
    const { after } = query;
    const page = matches
      .filter((r) => after === undefined || isPast(r.session.createdAt, r.seq, after, 'desc'))
      .slice(query.offset, query.offset + query.limit);
    return {
      items: page.map((r) => clone(r.session)),
      total: matches.length,
      positions: page.map((r) => ({ time: r.session.createdAt, seq: String(r.seq) })),
    };
  }

  async update(
    orgId: string,
    id: string,
    patch: SessionPatch,
    nowMs: number,
  ): Promise<Session | null> {
    const row = this.sessions.get(keyOf(orgId, id));
    if (!row) return null;
    row.session = clone(applySessionPatch(row.session, patch, nowMs));
    return clone(row.session);
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    return this.sessions.delete(keyOf(orgId, id));
  }

  async deleteByAgent(orgId: string, agentId: string): Promise<number> {
    let n = 0;
    for (const [key, { session: s }] of this.sessions) {
      if (s.orgId === orgId && s.agentId === agentId && this.sessions.delete(key)) n++;
    }
    return n;
  }

  async countByAgent(orgId: string, agentIds: readonly string[]) {
    const mine = [...this.sessions.values()].filter(
      ({ session: s }) => s.orgId === orgId && agentIds.includes(s.agentId),
    );
    return {
      total: mine.length,
      active: mine.filter((r) => r.session.status === 'active').length,
    };
  }

  clear(): void {
    this.sessions.clear();
  }
}

// A session id is unique within its org.
const keyOf = (orgId: string, id: string): string => `${orgId}\u0000${id}`;

// Callers must never be able to change stored state through a returned object.
const clone = <T>(value: T): T => structuredClone(value);
