import {
  CHARS_PER_TOKEN,
  ContextBudget,
  emptyContext,
  formatSessionContext,
  renderSessionContext,
  type FormattedContext,
} from '../context/context-formatter.js';
import {
  isMemoryType,
  MEMORY_TYPES,
  type Memory,
  type MemoryFilter,
  type MemoryType,
} from '../memory/memory.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import { toLimit, toOffset, toOrder } from '../memory/memory-query.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid, notFound } from '../shared/errors.js';
import type { Order } from '../shared/page.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import { checkFilterSize, checkJsonSize, DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import { checkId, isPlainObject } from '../shared/rules.js';
import { parseTimeRange } from '../shared/time-expression.js';
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
}

export interface SessionUpdateInput {
  readonly status?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface ContextInput {
  readonly since?: string;
  readonly until?: string;
  readonly includeTypes?: readonly string[];
  readonly excludeTypes?: readonly string[];
  readonly maxTokens?: number;
  readonly order?: string;
}

export interface SessionContext {
  readonly sessionId: string;
  readonly context: string;
  /** Memories included in the context. */
  readonly memoryCount: number;
  /** Memories that matched but were left out to fit `max_tokens`. */
  readonly omittedCount: number;
  readonly estimatedTokens: number;
}

/** The most `max_tokens` may ask for. */
export const MAX_CONTEXT_TOKENS = 10_000_000;

/** Sessions and their LLM-ready context. */
export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly memories: MemoryStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limits: Limits = DEFAULT_LIMITS,
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

  async list(orgId: string, input: SessionListInput) {
    if (input.agentId !== undefined) checkId('agent_id', input.agentId);
    const status = input.status === undefined ? undefined : toStatus(input.status);
    const limit = toLimit(input.limit);
    const offset = toOffset(input.offset);
    const page = await this.sessions.list(orgId, {
      limit,
      offset,
      ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
      ...(status !== undefined ? { status } : {}),
    });
    return {
      sessions: page.items,
      count: page.total,
      hasMore: offset + page.items.length < page.total,
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
   * Builds the session's markdown context. A session id works when it was created or when any
   * memory of the org names it (then the session is created, see {@link get}).
   * @throws DomainError `not_found` when neither holds; `invalid` for bad options
   */
  async context(orgId: string, sessionId: string, input: ContextInput): Promise<SessionContext> {
    const now = this.clock.now();
    checkFilterSize('include_types', input.includeTypes ?? [], this.limits.maxFilterValues);
    checkFilterSize('exclude_types', input.excludeTypes ?? [], this.limits.maxFilterValues);
    // An empty include_types is no filter, like the other list filters.
    const include = input.includeTypes?.length
      ? input.includeTypes.map((t, i) => toType('include_types', t, i))
      : undefined;
    const exclude = new Set(input.excludeTypes?.map((t, i) => toType('exclude_types', t, i)));
    const types = (include ?? MEMORY_TYPES).filter((t: MemoryType) => !exclude.has(t));
    const maxTokens = input.maxTokens ?? null;
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
      throw invalid('max_tokens must be a positive integer');
    }
    if (maxTokens !== null && maxTokens > MAX_CONTEXT_TOKENS) {
      throw invalid(`max_tokens must be at most ${MAX_CONTEXT_TOKENS}`);
    }
    const filter = {
      sessionId,
      // Every type at once is no filter: a store need not test the type of each match.
      ...(MEMORY_TYPES.every((t) => types.includes(t)) ? {} : { memoryTypes: types }),
      ...parseTimeRange(input, now),
    };
    const order = toOrder(input.order);
    await this.requireKnownSession(orgId, sessionId);
    const formatted =
      maxTokens === null
        ? formatSessionContext(
            sessionId,
            await this.memories.find(orgId, { filter, order, limit: null, offset: 0 }),
            null,
          )
        : await this.contextWithinBudget(orgId, sessionId, filter, order, maxTokens);
    return {
      sessionId,
      context: formatted.context,
      memoryCount: formatted.included,
      omittedCount: formatted.omitted,
      estimatedTokens: formatted.estimatedTokens,
    };
  }

  /**
   * The context within `maxTokens`, reading the session's memories best first in rounds instead
   * of all of them: each round asks for four times as many as the last, and only for content
   * that could still fit, so once the budget is nearly full a round returns only the few short
   * memories that are left. Every memory the budget would keep is offered in priority order, so
   * the answer is the one {@link formatSessionContext} gives over the whole session: a round's
   * memories that an earlier round did not return all come after those it did (the content
   * bound only tightens), and what a round leaves out could not have fit.
   */
  private async contextWithinBudget(
    orgId: string,
    sessionId: string,
    filter: MemoryFilter,
    order: Order,
    maxTokens: number,
  ): Promise<FormattedContext> {
    const budget = new ContextBudget(sessionId, maxTokens);
    if (!budget.fitsHeading) return emptyContext(await this.memories.count(orgId, filter));
    const offered = new Set<string>();
    const kept: Memory[] = [];
    // A first round as large as the budget could hold with 32-character lines.
    let limit = Math.min(Math.max(Math.ceil((maxTokens * CHARS_PER_TOKEN) / 32), 32), 1024);
    while (budget.longestContentThatFits >= 0) {
      const round = await this.memories.findByPriority(orgId, {
        filter,
        maxContentLength: budget.longestContentThatFits,
        limit,
      });
      for (const m of round) {
        if (offered.has(m.id)) continue;
        offered.add(m.id);
        if (budget.offer(m)) kept.push(m);
      }
      if (round.length < limit) break;
      limit *= 4;
    }
    const sign = order === 'asc' ? 1 : -1;
    kept.sort((a, b) => sign * (a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    return renderSessionContext(sessionId, kept, await this.memories.count(orgId, filter));
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

function toType(field: string, value: string, index: number): MemoryType {
  if (!isMemoryType(value)) {
    throw invalid(`${field}[${index}] must be one of episodic, session, decision, entity`);
  }
  return value;
}
