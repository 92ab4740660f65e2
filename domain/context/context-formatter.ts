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

/**
 * Renders a session's memories as markdown: `## Session Context (<id>)`, then one section per
 * memory type (Recent Actions, Decisions, Entities, Session Notes) with one `- <content>` line
 * per memory, in the order given. With `maxTokens`, the whole text stays within
 * `maxTokens * 4` characters: lines are kept by importance, then recency, and a line that
 * does not fit is left out whole, never cut. When not even the heading fits, the context is
 * empty.
 *
 * @param memories the memories to render, already filtered and in display order
 * @param maxTokens the budget, or null for no limit
 */
export function formatSessionContext(
  sessionId: string,
  memories: readonly Memory[],
  maxTokens: number | null,
): FormattedContext {
  const header = `## Session Context (${sessionId})`;
  const lines = memories.map((m) => `- ${m.content.replace(/\r\n|\r|\n/g, '\n  ')}`);
  if (maxTokens !== null && header.length > maxTokens * CHARS_PER_TOKEN) {
    // Not even the heading fits: an empty context is the only answer within the budget.
    return { context: '', included: 0, omitted: memories.length, estimatedTokens: 0 };
  }
  const keep = maxTokens === null ? null : selectWithinBudget(header, memories, lines, maxTokens);
  const parts = [header];
  let included = 0;
  for (const { type, title } of CONTEXT_SECTIONS) {
    const body: string[] = [];
    memories.forEach((m, i) => {
      if (m.memoryType === type && (keep === null || keep[i])) body.push(lines[i] as string);
    });
    if (body.length === 0) continue;
    included += body.length;
    parts.push(`### ${title} (${body.length})\n${body.join('\n')}`);
  }
  const context = parts.join('\n\n');
  return {
    context,
    included,
    omitted: memories.length - included,
    estimatedTokens: estimateTokens(context),
  };
}

/** Greedy by priority (importance, then time, newest first); skips what does not fit. */
function selectWithinBudget(
  header: string,
  memories: readonly Memory[],
  lines: readonly string[],
  maxTokens: number,
): boolean[] {
  const budget = maxTokens * CHARS_PER_TOKEN;
  const titles = new Map(CONTEXT_SECTIONS.map((s) => [s.type, s.title]));
  const counts = new Map<MemoryType, number>();
  const keep = memories.map(() => false);
  let used = header.length;
  const byPriority = memories
    .map((_, i) => i)
    .sort((a, b) => {
      const ma = memories[a] as Memory;
      const mb = memories[b] as Memory;
      // Ids are time-ordered, so they break same-millisecond ties by recency too.
      return (
        mb.importance - ma.importance ||
        mb.time - ma.time ||
        (mb.id < ma.id ? -1 : mb.id > ma.id ? 1 : 0)
      );
    });
  for (const i of byPriority) {
    const m = memories[i] as Memory;
    const title = titles.get(m.memoryType) as string;
    const n = counts.get(m.memoryType) ?? 0;
    const sectionHeader = (k: number) => `### ${title} (${k})`.length;
    // A new section costs the blank line before it and its header; a growing one may lengthen
    // its count (9 -> 10).
    const headerDelta = n === 0 ? 2 + sectionHeader(1) : sectionHeader(n + 1) - sectionHeader(n);
    const cost = headerDelta + 1 + (lines[i] as string).length;
    if (used + cost > budget) continue;
    used += cost;
    counts.set(m.memoryType, n + 1);
    keep[i] = true;
  }
  return keep;
}
