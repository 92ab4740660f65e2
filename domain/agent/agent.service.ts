import { actorLogMeta, type Principal } from '../auth/auth.js';
import type { MemoryType } from '../memory/memory.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import { toLimit, toOffset } from '../memory/memory-query.js';
import { cursorPosition, nextCursor } from '../shared/cursor.js';
import type { SessionStore } from '../session/session-store.port.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/id-generator.port.js';
import { silentLogger, type Logger } from '../shared/logger.port.js';
import { checkAgent, type Agent } from './agent.js';
import { DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import type { AgentStore } from './agent-store.port.js';

export interface NewAgent {
  readonly name: string;
  readonly description?: string | null;
  readonly config?: Readonly<Record<string, unknown>> | null;
}

export interface AgentStats {
  readonly agentId: string;
  readonly memoryCount: number;
  readonly memories24h: number;
  readonly errors24h: number;
  readonly sessionCount: number;
  readonly activeSessions: number;
  readonly memoryTypes: Readonly<Partial<Record<MemoryType, number>>>;
}

/** What a delete of an agent removed. */
export interface AgentDeletion {
  readonly agent: Agent;
  /** Whether its memories and sessions were deleted too; when false both were kept. */
  readonly cascade: boolean;
  /** Memories deleted: the agent's, and those of other agents in its sessions (0 without cascade). */
  readonly memoriesDeleted: number;
  /** Sessions deleted: those whose agent is the agent (0 without cascade). */
  readonly sessionsDeleted: number;
}

const DAY_MS = 86_400_000;
/** Sessions read per page when a cascade collects an agent's sessions. */
const SESSION_PAGE = 1_000;

/** Registered agents and per-agent statistics. */
export class AgentService {
  constructor(
    private readonly agents: AgentStore,
    private readonly sessions: SessionStore,
    private readonly memories: MemoryStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly limits: Limits = DEFAULT_LIMITS,
    /** Where each deletion is recorded (org, key, ids, counts; never content). */
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Registers a name (an agent id usable on memories and sessions) with a description and config.
   * @throws DomainError `invalid`; `conflict` when the org already has an agent of that name
   */
  async register(orgId: string, input: NewAgent): Promise<Agent> {
    if (!input.name) throw invalid('name is required');
    const now = this.clock.now();
    const agent: Agent = {
      id: this.ids.next('agent', now),
      orgId,
      name: input.name,
      description: input.description ?? null,
      config: input.config ?? {},
      createdAt: now,
    };
    checkAgent(agent, this.limits.maxMetadataBytes);
    await this.agents.create(agent);
    return agent;
  }

  /** By id or name. @throws DomainError `not_found` */
  async get(orgId: string, idOrName: string): Promise<Agent> {
    const agent = await this.agents.find(orgId, idOrName);
    if (!agent) throw notFound('agent', 'AGENT_NOT_FOUND');
    return agent;
  }

  /**
   * The agent id memories and sessions use for `idOrName`: a registered agent's name, or
   * `idOrName` itself when no agent of the org has that id or name.
   */
  async resolveAgentId(orgId: string, idOrName: string): Promise<string> {
    const agent = await this.agents.find(orgId, idOrName);
    return agent ? agent.name : idOrName;
  }

  /**
   * A page of the org's agents, newest first; `cursor` (a `nextCursor` of this list) continues
   * after an earlier page.
   * @throws DomainError `invalid` for a bad limit, offset or cursor
   */
  async list(orgId: string, input: { limit?: number; offset?: number; cursor?: string }) {
    const limit = toLimit(input.limit);
    const offset = toOffset(input.offset);
    const scope = { orgId, list: 'agents', query: {} };
    const after = cursorPosition(scope, input.cursor, offset);
    const page = await this.agents.list(orgId, {
      limit: limit + 1,
      offset,
      ...(after !== undefined ? { after } : {}),
    });
    return {
      agents: page.items.slice(0, limit),
      count: page.total,
      hasMore: page.items.length > limit,
      nextCursor: nextCursor(scope, page.positions, limit),
    };
  }

  /**
   * Removes the registration (by id or name) and logs it at info ("agent deleted": org, key,
   * agent id and name, cascade, counts). Without `cascade` the memories and sessions that name
   * the agent stay. With it, everything of the agent goes first, in an order a retry after a
   * failure finishes (the registration, which finds the agent again, goes last):
   * 1. its memories (those whose `agent_id` is the agent's name, the id memories carry);
   * 2. in each of its sessions, the memories other agents wrote there, so that no memory keeps
   *    a deleted session known (see `SessionService.get`);
   * 3. its sessions (those whose agent id is its name); 4. the registration.
   * A memory or session written for the agent while it is deleted, or after, is kept (a memory
   * makes its session known again, as a new session).
   * @throws DomainError `not_found` when the org has no agent of that id or name; `unavailable`
   *   when a backend cannot delete (what the earlier steps deleted stays deleted)
   */
  async delete(
    actor: Principal,
    idOrName: string,
    options: { readonly cascade?: boolean } = {},
  ): Promise<AgentDeletion> {
    const { orgId } = actor;
    const agent = await this.get(orgId, idOrName);
    const cascade = options.cascade === true;
    let memoriesDeleted = 0;
    let sessionsDeleted = 0;
    if (cascade) {
      // Every version: a correction's retired memories go with the agent too.
      const all = { includeSuperseded: true };
      memoriesDeleted = await this.memories.delete(orgId, { ...all, agentId: agent.name });
      for (const sessionId of await this.sessionIdsOf(orgId, agent.name)) {
        const filter = { ...all, sessionId };
        if ((await this.memories.count(orgId, filter)) === 0) continue;
        memoriesDeleted += await this.memories.delete(orgId, filter);
      }
      sessionsDeleted = await this.sessions.deleteByAgent(orgId, agent.name);
    }
    await this.agents.delete(orgId, agent.id);
    this.logger.info('agent deleted', {
      ...actorLogMeta(actor),
      agent_id: agent.id,
      agent_name: agent.name,
      cascade,
      memories_deleted: memoriesDeleted,
      sessions_deleted: sessionsDeleted,
    });
    return { agent, cascade, memoriesDeleted, sessionsDeleted };
  }

  /** The ids of the org's sessions of this agent id, read page by page. */
  private async sessionIdsOf(orgId: string, agentId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (let offset = 0; ; offset += SESSION_PAGE) {
      const page = await this.sessions.list(orgId, { agentId, limit: SESSION_PAGE, offset });
      for (const session of page.items) ids.add(session.id);
      if (page.items.length < SESSION_PAGE) return [...ids];
    }
  }

  /**
   * Statistics for the agent id that memories and sessions carry: a registered agent's name
   * (`:id` may be its id or its name), or any agent id that memories or sessions of the org use.
   * @throws DomainError `not_found` when the org knows nothing of that agent
   */
  async stats(orgId: string, idOrName: string): Promise<AgentStats> {
    const agentId = await this.resolveAgentId(orgId, idOrName);
    const agentIds = [agentId];
    const now = this.clock.now();
    const [memoryStats, sessionCounts] = await Promise.all([
      this.memories.stats(orgId, agentIds, now - DAY_MS),
      this.sessions.countByAgent(orgId, agentIds),
    ]);
    if (agentId === idOrName && memoryStats.memoryCount === 0 && sessionCounts.total === 0) {
      if (!(await this.agents.find(orgId, idOrName))) throw notFound('agent', 'AGENT_NOT_FOUND');
    }
    return {
      agentId,
      memoryCount: memoryStats.memoryCount,
      memories24h: memoryStats.memoriesSince,
      errors24h: memoryStats.errorsSince,
      sessionCount: sessionCounts.total,
      activeSessions: sessionCounts.active,
      memoryTypes: memoryStats.memoryTypes,
    };
  }
}
