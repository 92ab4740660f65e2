import type { Memory, MemoryType } from '../memory/memory.js';
import { utf8Length } from '../shared/limits.js';
import { CONTEXT_SECTIONS } from './context-formatter.js';
import { LINE_COST_SLACK, type ContextLayout } from './markdown-budget.js';
import type { TokenCounter } from './token-counter.port.js';

/** One memory in the `json` context. */
export interface JsonContextItem {
  readonly memory_id: string;
  readonly content: string;
  /** ISO 8601, UTC. */
  readonly time: string;
  readonly importance: number;
  readonly tags: readonly string[];
}

/** One section of the `json` context: the memories of one type, in display order. */
export interface JsonContextSection {
  readonly title: string;
  readonly memory_type: MemoryType;
  readonly items: readonly JsonContextItem[];
}

/** The `json` context: its sections in the markdown's order, only those with items. */
export type JsonContext = readonly JsonContextSection[];

export const jsonItem = (m: Memory): JsonContextItem => ({
  memory_id: m.id,
  content: m.content,
  time: new Date(m.time).toISOString(),
  importance: m.importance,
  tags: m.tags,
});

/** The `json` context of these memories (already chosen and in display order). */
export function renderJson(memories: readonly Memory[]): JsonContext {
  return CONTEXT_SECTIONS.flatMap(({ type, title }) => {
    const items = memories.filter((m) => m.memoryType === type).map(jsonItem);
    return items.length === 0 ? [] : [{ title, memory_type: type, items }];
  });
}

/**
 * The budget of the `json` context, which counts the JSON text as sent (`JSON.stringify`, no
 * spaces). JSON punctuation merges into tokens across items, so the cost of a memory here is an
 * estimate: the tokens of its item's JSON plus one for the comma (plus its section's frame when it
 * opens one). The exact count of the final text is checked afterwards (see ContextSelection).
 */
export class JsonBudget implements ContextLayout {
  private readonly frame: number;
  private readonly open = new Set<MemoryType>();
  private used: number;

  constructor(
    private readonly counter: TokenCounter,
    private readonly maxTokens: number,
  ) {
    this.frame = counter.countTokens('[]');
    this.used = this.frame;
  }

  get fitsFrame(): boolean {
    return this.frame <= this.maxTokens;
  }

  get remaining(): number {
    return this.maxTokens - this.used;
  }

  /** JSON items are no markdown lines: line tokens say nothing of their cost. */
  lineTokenBound(): null {
    return null;
  }

  offer(m: Memory): boolean {
    if (!this.fitsFrame) return false;
    const text = JSON.stringify(jsonItem(m));
    if (
      Math.ceil(utf8Length(text) / this.counter.maxTokenBytes) >
      this.remaining + LINE_COST_SLACK
    ) {
      return false;
    }
    let cost = this.counter.countTokens(text) + 1;
    if (!this.open.has(m.memoryType)) {
      const title = CONTEXT_SECTIONS.find((s) => s.type === m.memoryType)?.title ?? '';
      cost +=
        this.counter.countTokens(JSON.stringify({ title, memory_type: m.memoryType, items: [] })) +
        1;
    }
    if (this.used + cost > this.maxTokens) return false;
    this.used += cost;
    this.open.add(m.memoryType);
    return true;
  }
}
