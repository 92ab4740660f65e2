import type { Memory, MemoryType } from '../memory/memory.js';

/** Section titles, in the order they appear; a section appears only when it has lines. */
export const CONTEXT_SECTIONS: readonly { readonly type: MemoryType; readonly title: string }[] = [
  { type: 'episodic', title: 'Recent Actions' },
  { type: 'decision', title: 'Decisions' },
  { type: 'entity', title: 'Entities' },
  { type: 'session', title: 'Session Notes' },
];

/** Characters per token in the estimate. */
export const CHARS_PER_TOKEN = 4;

export interface FormattedContext {
  /** Markdown ready to put into a prompt. */
  readonly context: string;
  /** Memories that made it into the context. */
  readonly included: number;
  /** Memories left out to stay within the token budget. */
  readonly omitted: number;
  /** ceil(characters / 4) of `context`. */
  readonly estimatedTokens: number;
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** A memory's line in the context: `- <content>`, continuation lines indented two spaces. */
const contextLine = (m: Memory): string => `- ${m.content.replace(/\r\n|\r|\n/g, '\n  ')}`;

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
 * header it adds, and skips one that does not (a shorter one after it may still fit).
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
    this.used = heading(sessionId).length;
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
    const title = SECTION_TITLES.get(m.memoryType) as string;
    const n = this.counts.get(m.memoryType) ?? 0;
    const sectionHeader = (k: number) => `### ${title} (${k})`.length;
    // A new section costs the blank line before it and its header; a growing one may lengthen
    // its count (9 -> 10).
    const headerDelta = n === 0 ? 2 + sectionHeader(1) : sectionHeader(n + 1) - sectionHeader(n);
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
 * Renders a session's memories as markdown: `## Session Context (<id>)`, then one section per
 * memory type (Recent Actions, Decisions, Entities, Session Notes) with one `- <content>` line
 * per memory, in the order given.
 *
 * @param memories the memories to show, already chosen and in display order
 * @param matched how many memories matched in all (the rest were left out for the budget)
 */
export function renderSessionContext(
  sessionId: string,
  memories: readonly Memory[],
  matched: number,
): FormattedContext {
  const parts = [heading(sessionId)];
  for (const { type, title } of CONTEXT_SECTIONS) {
    const body = memories.filter((m) => m.memoryType === type).map(contextLine);
    if (body.length === 0) continue;
    parts.push(`### ${title} (${body.length})\n${body.join('\n')}`);
  }
  const context = parts.join('\n\n');
  return {
    context,
    included: memories.length,
    omitted: matched - memories.length,
    estimatedTokens: estimateTokens(context),
  };
}

/** The context when nothing fits, not even the heading. */
export const emptyContext = (matched: number): FormattedContext => ({
  context: '',
  included: 0,
  omitted: matched,
  estimatedTokens: 0,
});

/**
 * {@link renderSessionContext} of all the memories given, or with `maxTokens` of those a
 * {@link ContextBudget} keeps when offered them by priority: the whole text stays within
 * `maxTokens * 4` characters, and a line that does not fit is left out whole, never cut. When
 * not even the heading fits, the context is empty.
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

const heading = (sessionId: string): string => `## Session Context (${sessionId})`;

const SECTION_TITLES: ReadonlyMap<MemoryType, string> = new Map(
  CONTEXT_SECTIONS.map((s) => [s.type, s.title]),
);
