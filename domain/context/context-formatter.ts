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
export const contextLine = (m: Memory): string => contentLine(m.content);

/** {@link contextLine} of a memory with this content: the line depends on nothing else. */
export const contentLine = (content: string): string =>
  `- ${content.split(LINE_BREAK).map(escapeLineStart).join('\n  ')}`;

/**
 * Renders a session's memories as markdown: `## Session Context (<id>)`, then one section per
 * memory type (Recent Actions, Decisions, Entities, Session Notes) with one `- <content>` line
 * per memory, in the order given. Sections are separated by a blank line; there is no newline
 * at the end.
 *
 * @param memories the memories to show, already chosen and in display order
 */
export function renderMarkdown(sessionId: string, memories: readonly Memory[]): string {
  const parts = [contextHeading(sessionId)];
  for (const { type } of CONTEXT_SECTIONS) {
    const body = memories.filter((m) => m.memoryType === type).map(contextLine);
    if (body.length === 0) continue;
    parts.push(`${sectionHeader(type, body.length)}\n${body.join('\n')}`);
  }
  return parts.join('\n\n');
}

const SECTION_TITLES: ReadonlyMap<MemoryType, string> = new Map(
  CONTEXT_SECTIONS.map((s) => [s.type, s.title]),
);
