import type { Memory, MemoryType } from '../memory/memory.js';

// The markdown of a session's context, a pure renderer: it shows the memories it is given, in
// the order given. Which memories fit a token budget is decided in one place, the
// ContextService (context.service.ts), which measures lines with the pieces exported here.

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

/** The first line of every context: `## Session Context (<id>)`. */
export const contextHeading = (sessionId: string): string => `## Session Context (${sessionId})`;

/** A section's header line: `### <title> (<lines>)`. */
export const sectionHeader = (type: MemoryType, lines: number): string =>
  `### ${SECTION_TITLES.get(type) as string} (${lines})`;

/** Every Unicode line break: CR LF, CR, LF, VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const LINE_BREAK = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/;

/**
 * A line of content with what Markdown would read as structure at its start escaped by a
 * backslash: a heading (`#`), a bullet (`-`, `*`, `+`), a quote (`>`), a fence (`` ` ``, `~`), a
 * setext underline (`=`), a table (`|`), or a numbered item (`1.`, `2)`): it stays plain text.
 */
const escapeLineStart = (line: string): string =>
  line.replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3').replace(/^(\s*)([#>*+\-=|`~])/, '$1\\$2');

/**
 * A memory's line in the context: `- <content>`, continuation lines indented two spaces. Every
 * Unicode line break is a line break, and each line's Markdown structure is escaped, so a
 * memory's content can never forge a heading, a section or a bullet of the context.
 */
export const contextLine = (m: Memory): string =>
  `- ${m.content.split(LINE_BREAK).map(escapeLineStart).join('\n  ')}`;

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
  const parts = [contextHeading(sessionId)];
  for (const { type } of CONTEXT_SECTIONS) {
    const body = memories.filter((m) => m.memoryType === type).map(contextLine);
    if (body.length === 0) continue;
    parts.push(`${sectionHeader(type, body.length)}\n${body.join('\n')}`);
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

const SECTION_TITLES: ReadonlyMap<MemoryType, string> = new Map(
  CONTEXT_SECTIONS.map((s) => [s.type, s.title]),
);
