import {
  isMemoryType,
  MEMORY_TYPES,
  type Memory,
  type MemoryFilter,
  type MemoryType,
} from '../memory/memory.js';
import { toOrder } from '../memory/memory-query.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import type { SessionService } from '../session/session.service.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid } from '../shared/errors.js';
import { checkFilterSize, DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import type { Order } from '../shared/page.js';
import { parseTimeRange } from '../shared/time-expression.js';
import {
  CHARS_PER_TOKEN,
  contextHeading,
  contextLine,
  emptyContext,
  renderSessionContext,
  sectionHeader,
  type FormattedContext,
} from './context-formatter.js';

export interface ContextInput {
  readonly since?: string;
  readonly until?: string;
  readonly includeTypes?: readonly string[];
  readonly excludeTypes?: readonly string[];
  readonly maxTokens?: number;
  readonly order?: string;
  /** Also include memories a correction retired (default false). */
  readonly includeSuperseded?: boolean;
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

/**
 * The context of a session for an LLM prompt. Everything about the token budget is here, in
 * this file: the order memories are offered in ({@link compareContextPriority}), what each one
 * costs ({@link ContextBudget}), the choice over a whole session ({@link formatSessionContext})
 * and the reading of the session in rounds that gives the same choice ({@link ContextService.forSession}).
 * `context-formatter.ts` only renders the memories chosen.
 */
export class ContextService {
  constructor(
    /** Knows the session ids (and creates one that only memories name). */
    private readonly sessions: Pick<SessionService, 'requireKnownSession'>,
    private readonly memories: MemoryStore,
    private readonly clock: Clock,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  /**
   * Builds the session's markdown context. A session id works when it was created or when any
   * memory of the org names it (then the session is created, see `SessionService.get`).
   * @throws DomainError `not_found` when neither holds; `invalid` for bad options
   */
  async forSession(orgId: string, sessionId: string, input: ContextInput): Promise<SessionContext> {
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
      ...(input.includeSuperseded === true ? { includeSuperseded: true } : {}),
    };
    const order = toOrder(input.order);
    await this.sessions.requireKnownSession(orgId, sessionId);
    const formatted =
      maxTokens === null
        ? formatSessionContext(
            sessionId,
            await this.memories.find(orgId, { filter, order, limit: null, offset: 0 }),
            null,
          )
        : await this.withinBudget(orgId, sessionId, filter, order, maxTokens);
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
  private async withinBudget(
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
}

/**
 * The order in which a token budget keeps memories: importance, then time, then id, each highest
 * first (ids are time-ordered, so they break same-millisecond ties by recency too). Stores read
 * in this order for the context (`MemoryStore.findByPriority`).
 */
export function compareContextPriority(a: Memory, b: Memory): number {
  return b.importance - a.importance || b.time - a.time || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

/**
 * Fills a `max_tokens` budget greedily: offered memories in priority order
 * ({@link compareContextPriority}), it keeps each one whose line still fits, with the section
 * header it adds, and skips one that does not (a shorter one after it may still fit). Lines are
 * measured as `context-formatter.ts` renders them.
 */
export class ContextBudget {
  private readonly budget: number;
  private used: number;
  private readonly counts = new Map<MemoryType, number>();
  private readonly keptIds = new Set<string>();
  /** Whether the `## Session Context` heading itself fits; when not, nothing is kept. */
  readonly fitsHeading: boolean;

  constructor(sessionId: string, maxTokens: number) {
    this.budget = maxTokens * CHARS_PER_TOKEN;
    this.used = contextHeading(sessionId).length;
    this.fitsHeading = this.used <= this.budget;
  }

  /**
   * The longest content (in UTF-16 code units) that could still fit: a line costs at least its
   * content plus `- ` and the newline before it. Negative when nothing can fit any more.
   */
  get longestContentThatFits(): number {
    return this.fitsHeading ? this.budget - this.used - 3 : -1;
  }

  /** Offers the next memory in priority order; keeps it when its line fits. */
  offer(m: Memory): boolean {
    if (!this.fitsHeading || m.content.length > this.longestContentThatFits) return false;
    const n = this.counts.get(m.memoryType) ?? 0;
    const header = (k: number) => sectionHeader(m.memoryType, k).length;
    // A new section costs the blank line before it and its header; a growing one may lengthen
    // its count (9 -> 10).
    const headerDelta = n === 0 ? 2 + header(1) : header(n + 1) - header(n);
    const cost = headerDelta + 1 + contextLine(m).length;
    if (this.used + cost > this.budget) return false;
    this.used += cost;
    this.counts.set(m.memoryType, n + 1);
    this.keptIds.add(m.id);
    return true;
  }

  /** Whether this memory was kept. */
  keeps(m: Memory): boolean {
    return this.keptIds.has(m.id);
  }
}

/**
 * {@link renderSessionContext} of all the memories given, or with `maxTokens` of those a
 * {@link ContextBudget} keeps when offered them by priority: the whole text stays within
 * `maxTokens * 4` characters, and a line that does not fit is left out whole, never cut. When
 * not even the heading fits, the context is empty. This is the choice the service's rounds of
 * reads must equal.
 *
 * @param memories every matching memory, in display order
 * @param maxTokens the budget, or null for no limit
 */
export function formatSessionContext(
  sessionId: string,
  memories: readonly Memory[],
  maxTokens: number | null,
): FormattedContext {
  if (maxTokens === null) return renderSessionContext(sessionId, memories, memories.length);
  const budget = new ContextBudget(sessionId, maxTokens);
  if (!budget.fitsHeading) return emptyContext(memories.length);
  [...memories].sort(compareContextPriority).forEach((m) => budget.offer(m));
  return renderSessionContext(
    sessionId,
    memories.filter((m) => budget.keeps(m)),
    memories.length,
  );
}

function toType(field: string, value: string, index: number): MemoryType {
  if (!isMemoryType(value)) {
    throw invalid(`${field}[${index}] must be one of episodic, session, decision, entity`);
  }
  return value;
}
