import {
  isMemoryType,
  MEMORY_TYPES,
  type Memory,
  type MemoryFilter,
  type MemoryType,
} from '../memory/memory.js';
import { toOrder } from '../memory/memory-query.js';
import type { MemoryStore } from '../memory/memory-store.port.js';
import { parseSearchQuery, type SearchQuery } from '../memory/search-query.js';
import type { SessionService } from '../session/session.service.js';
import type { Clock } from '../shared/clock.port.js';
import { invalid } from '../shared/errors.js';
import { checkFilterSize, DEFAULT_LIMITS, type Limits } from '../shared/limits.js';
import type { Order } from '../shared/page.js';
import { parseTimeRange } from '../shared/time-expression.js';
import {
  CONTEXT_FORMATS,
  ContextSelection,
  contextPriority,
  type ContextBody,
  type ContextFormat,
  type FormattedContext,
} from './context-selection.js';
import {
  DEFAULT_TOKENIZER,
  isTokenizerName,
  TOKENIZERS,
  type TokenCounter,
  type TokenCounters,
  type TokenizerName,
} from './token-counter.port.js';

export interface ContextInput {
  readonly since?: string;
  readonly until?: string;
  readonly includeTypes?: readonly string[];
  readonly excludeTypes?: readonly string[];
  readonly maxTokens?: number;
  readonly order?: string;
  /** Also include memories a correction retired (default false). */
  readonly includeSuperseded?: boolean;
  /** The tokenizer that counts the budget (`o200k_base`, `cl100k_base`); the setting's by default. */
  readonly tokenizer?: string;
  /** `markdown` (default), `json` or `messages`. */
  readonly format?: string;
  /**
   * A keyword search (the language of `parseSearchQuery`) that ranks the session's memories for
   * the budget: those matching it come first (after pinned ones), best score first. It filters
   * nothing out; an empty string is no query.
   */
  readonly query?: string;
}

export interface SessionContext {
  readonly sessionId: string;
  /** Markdown text, JSON sections or chat messages, by `format`. */
  readonly context: ContextBody;
  readonly format: ContextFormat;
  /** The tokenizer that counted `tokens`. */
  readonly tokenizer: TokenizerName;
  /** Memories included in the context (one cut to fit counts). */
  readonly memoryCount: number;
  /** Memories that matched but were left out to fit `max_tokens`. */
  readonly omittedCount: number;
  /** Exact tokens of the context by `tokenizer` (see `countedText` for what is counted). */
  readonly tokens: number;
  /** Whether any matching memory was left out or cut. */
  readonly truncated: boolean;
}

/** The most `max_tokens` may ask for. */
export const MAX_CONTEXT_TOKENS = 10_000_000;

/**
 * The context of a session for an LLM prompt. The order memories are offered in is
 * {@link contextPriority} (context-selection.ts), what fits is decided by a
 * {@link ContextSelection} on exact token counts (markdown-budget.ts, json-context.ts), the choice
 * over a whole session is {@link formatSessionContext}, and the reading of the session in rounds
 * that gives the same choice is here ({@link ContextService.forSession}).
 * `context-formatter.ts` only renders the memories chosen.
 */
export class ContextService {
  constructor(
    /** Knows the session ids (and creates one that only memories name). */
    private readonly sessions: Pick<SessionService, 'requireKnownSession'>,
    private readonly memories: MemoryStore,
    private readonly clock: Clock,
    /** The token counter of each tokenizer. */
    private readonly tokenCounters: TokenCounters,
    private readonly limits: Limits = DEFAULT_LIMITS,
    /** The tokenizer of a request that names none (`[context] tokenizer`). */
    private readonly defaultTokenizer: TokenizerName = DEFAULT_TOKENIZER,
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
    const tokenizer = input.tokenizer ?? this.defaultTokenizer;
    if (!isTokenizerName(tokenizer)) {
      throw invalid(`tokenizer must be one of ${TOKENIZERS.join(', ')}`);
    }
    const format = input.format ?? 'markdown';
    if (!(CONTEXT_FORMATS as readonly string[]).includes(format)) {
      throw invalid(`format must be one of ${CONTEXT_FORMATS.join(', ')}`);
    }
    const query =
      input.query === undefined || input.query === '' ? null : parseSearchQuery(input.query);
    await this.sessions.requireKnownSession(orgId, sessionId);
    const selection = new ContextSelection({
      sessionId,
      format: format as ContextFormat,
      order,
      counter: this.tokenCounters(tokenizer),
      maxTokens,
    });
    const formatted =
      maxTokens === null
        ? this.everything(
            selection,
            await this.memories.find(orgId, { filter, order, limit: null, offset: 0 }),
          )
        : await this.withinBudget(orgId, filter, selection, query);
    return {
      sessionId,
      context: formatted.context,
      format: format as ContextFormat,
      tokenizer,
      memoryCount: formatted.included,
      omittedCount: formatted.omitted,
      tokens: formatted.tokens,
      truncated: formatted.truncated,
    };
  }

  private everything(selection: ContextSelection, memories: readonly Memory[]): FormattedContext {
    memories.forEach((m) => selection.offer(m));
    return selection.finish(memories.length);
  }

  /**
   * The context within the budget, reading the session's memories best first in rounds instead
   * of all of them: pinned ones first, then the others (the `pinned` filter), each in the store's
   * priority order (`findByPriority`: importance, time, id), so memories are offered in
   * {@link contextPriority} order. Each round asks for four times as many as the last and, after
   * the first memory, only for content that could still fit ({@link ContextSelection.contentBound},
   * from the tokenizer's longest token in bytes): a round's memories that an earlier round of the
   * same phase did not return all come after those it did (the bound only tightens), and what a
   * round leaves out could not have fit, so the choice is the one over the whole session.
   *
   * With a `query`, every memory of the session matching it is read first with its score (one
   * read, like a search of the session without a limit); in each phase the matching ones are
   * offered first, in {@link contextPriority} order with those scores, then the rounds offer the
   * rest (a memory already offered is skipped), which all rank after them with relevance 0.
   */
  private async withinBudget(
    orgId: string,
    filter: MemoryFilter,
    selection: ContextSelection,
    query: SearchQuery | null,
  ): Promise<FormattedContext> {
    const matched = () => this.memories.count(orgId, filter);
    if (!selection.fitsFrame) return selection.finish(await matched());
    const offered = new Set<string>();
    const relevant = query === null ? [] : await this.relevant(orgId, filter, query);
    for (const pinned of [true, false]) {
      for (const m of relevant) {
        if (m.pinned !== pinned) continue;
        offered.add(m.id);
        selection.offer(m);
      }
      let limit = 64;
      for (;;) {
        const round = await this.memories.findByPriority(orgId, {
          filter: { ...filter, pinned },
          maxContentLength: selection.contentBound,
          maxLineTokens: selection.lineTokenBound,
          limit,
        });
        for (const m of round) {
          if (offered.has(m.id)) continue;
          offered.add(m.id);
          selection.offer(m);
        }
        if (round.length < limit) break;
        limit *= 4;
      }
    }
    return selection.finish(await matched());
  }

  /** The memories matching `filter` and `query`, in {@link contextPriority} order by score. */
  private async relevant(
    orgId: string,
    filter: MemoryFilter,
    query: SearchQuery,
  ): Promise<Memory[]> {
    const page = await this.memories.findPage(orgId, {
      filter: { ...filter, query },
      order: 'desc',
      byRelevance: true,
      limit: null,
      offset: 0,
    });
    const scores = new Map(page.memories.map((m, i) => [m.id, page.scores?.[i] ?? 0]));
    return page.memories.sort(contextPriority(scores));
  }
}

/**
 * The context of `memories` (every match, in any order) as {@link ContextService.forSession}
 * makes it: without `maxTokens` all of them, with it those a {@link ContextSelection} keeps when
 * offered them in {@link contextPriority} order; shown in the order given (`memories` is in
 * display order). `order` still tells the budget which line of a section comes last. This is the choice the service's rounds of reads must equal.
 */
export function formatSessionContext(
  sessionId: string,
  memories: readonly Memory[],
  options: {
    readonly maxTokens: number | null;
    readonly counter: TokenCounter;
    readonly order?: Order;
    readonly format?: ContextFormat;
    /** Per-memory relevance (with a query): ranks after pinned, before importance. */
    readonly relevance?: ReadonlyMap<string, number>;
  },
): FormattedContext {
  const selection = new ContextSelection({
    sessionId,
    format: options.format ?? 'markdown',
    order: options.order ?? 'desc',
    counter: options.counter,
    maxTokens: options.maxTokens,
  });
  const offered =
    options.maxTokens === null ? memories : [...memories].sort(contextPriority(options.relevance));
  offered.forEach((m) => selection.offer(m));
  return selection.finish(memories.length, new Map(memories.map((m, i) => [m.id, i])));
}

function toType(field: string, value: string, index: number): MemoryType {
  if (!isMemoryType(value)) {
    throw invalid(`${field}[${index}] must be one of episodic, session, decision, entity`);
  }
  return value;
}

/**
 * The order stores read in for the context (`MemoryStore.findByPriority`): importance, then time,
 * then id, each highest first (ids are time-ordered, so they break same-millisecond ties by
 * recency too). The context reads pinned memories, then the others, each in this order, which
 * is {@link contextPriority} without relevance.
 */
export function compareContextPriority(a: Memory, b: Memory): number {
  return b.importance - a.importance || b.time - a.time || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}
