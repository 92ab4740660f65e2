import type { Memory } from '../memory/memory.js';
import type { Order } from '../shared/page.js';
import { renderMarkdown } from './context-formatter.js';
import { JsonBudget, renderJson, type JsonContext } from './json-context.js';
import { LINE_COST_SLACK, MarkdownBudget, type ContextLayout } from './markdown-budget.js';
import { LINE_TOKENIZER } from './line-tokens.js';
import type { TokenCounter } from './token-counter.port.js';

/** How the context is returned. */
export const CONTEXT_FORMATS = ['markdown', 'json', 'messages'] as const;
export type ContextFormat = (typeof CONTEXT_FORMATS)[number];

/** A chat message of the `messages` format. */
export interface ContextMessage {
  readonly role: 'system';
  readonly content: string;
}

/** The context in its format: markdown text, JSON sections, or chat messages. */
export type ContextBody = string | JsonContext | readonly ContextMessage[];

export interface FormattedContext {
  readonly context: ContextBody;
  /** Memories in the context (a cut one counts). */
  readonly included: number;
  /** Memories that matched but were left out for the budget. */
  readonly omitted: number;
  /** Exact tokens of what the budget counts (see {@link countedText}). */
  readonly tokens: number;
  /** Whether any matching memory was left out or cut. */
  readonly truncated: boolean;
}

/** What marks the end of a memory cut to fit. */
export const CUT_MARK = '…';

/**
 * The order in which a token budget offers memories: pinned first, then (when scores are given,
 * for a query) relevance, then importance, then time, then id, each highest first.
 */
export function contextPriority(
  relevance?: ReadonlyMap<string, number>,
): (a: Memory, b: Memory) => number {
  return (a, b) =>
    Number(b.pinned) - Number(a.pinned) ||
    (relevance ? (relevance.get(b.id) ?? 0) - (relevance.get(a.id) ?? 0) : 0) ||
    b.importance - a.importance ||
    b.time - a.time ||
    (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

/** The display order: time, then id, ascending or descending. */
export const displayOrder =
  (order: Order) =>
  (a: Memory, b: Memory): number =>
    (order === 'asc' ? 1 : -1) * (a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The text whose tokens the budget counts: the markdown, the message contents, or the JSON. */
export function countedText(body: ContextBody): string {
  if (typeof body === 'string') return body;
  if (body.length > 0 && 'role' in (body[0] as object)) {
    return (body as readonly ContextMessage[]).map((m) => m.content).join('');
  }
  return JSON.stringify(body);
}

export interface SelectionOptions {
  readonly sessionId: string;
  readonly format: ContextFormat;
  readonly order: Order;
  readonly counter: TokenCounter;
  readonly maxTokens: number | null;
}

/**
 * Fills a `max_tokens` budget from memories offered in priority order ({@link contextPriority}):
 * each one is kept when it still fits whole, and skipped when not (a later, shorter one may still
 * fit). The first memory offered, when it alone does not fit, is cut at a grapheme boundary and
 * ends with `…`, so the context is never empty for one long memory. The final text's tokens are
 * then counted exactly; should they exceed the budget (only the json format's estimate can), the
 * lowest-priority memories kept are dropped until it fits.
 */
export class ContextSelection {
  private readonly layout: ContextLayout | null;
  private readonly kept: Memory[] = [];
  private offeredAny = false;
  private cut = false;

  constructor(private readonly o: SelectionOptions) {
    this.layout = o.maxTokens === null ? null : this.newLayout(o.maxTokens);
  }

  /** Whether anything at all can be kept (the empty frame fits). */
  get fitsFrame(): boolean {
    return this.layout?.fitsFrame ?? true;
  }

  /**
   * The longest content (UTF-16 code units) that could still be kept, or null for any: a store
   * need not return longer ones. Null until the first memory is offered (it may be cut to fit).
   */
  get contentBound(): number | null {
    if (this.layout === null || !this.offeredAny) return null;
    return Math.max(0, this.layout.remaining + LINE_COST_SLACK) * this.o.counter.maxTokenBytes;
  }

  /**
   * The most tokens (in {@link LINE_TOKENIZER}, as `LineTokens` counts them) the line of a
   * memory could have and still be kept, or null for any: a store need not return longer ones.
   * Null until the first memory is offered (it may be cut to fit), without a budget, for the json
   * format (whose lines are no markdown lines) and when the context counts with another tokenizer.
   */
  get lineTokenBound(): number | null {
    if (this.layout === null || !this.offeredAny || this.o.counter.name !== LINE_TOKENIZER) {
      return null;
    }
    const bound = this.layout.lineTokenBound();
    return bound === null ? null : Math.max(0, bound);
  }

  /** Offers the next memory in priority order. */
  offer(m: Memory): void {
    const first = !this.offeredAny;
    this.offeredAny = true;
    if (this.layout === null || this.layout.offer(m)) {
      this.kept.push(m);
      return;
    }
    if (first && this.layout.fitsFrame) {
      const cut = this.cutToFit(m);
      if (cut && this.layout.offer(cut)) {
        this.kept.push(cut);
        this.cut = true;
      }
    }
  }

  /**
   * The context of the memories kept, given how many matched in all; shown in the display order
   * (`order`), or by `position` (memory id to index) when given.
   */
  finish(matched: number, position?: ReadonlyMap<string, number>): FormattedContext {
    const kept = [...this.kept];
    for (;;) {
      // Without a budget the memories come in display order already and are shown as given.
      const byPosition = (a: Memory, b: Memory) =>
        (position?.get(a.id) ?? 0) - (position?.get(b.id) ?? 0);
      const shown =
        this.layout === null
          ? kept
          : [...kept].sort(position ? byPosition : displayOrder(this.o.order));
      const context = this.render(shown);
      const tokens = this.o.counter.countTokens(countedText(context));
      if (this.o.maxTokens === null || tokens <= this.o.maxTokens || kept.length === 0) {
        const fits = this.o.maxTokens === null || tokens <= this.o.maxTokens;
        return {
          context: fits ? context : this.render(null),
          included: fits ? kept.length : 0,
          omitted: matched - (fits ? kept.length : 0),
          tokens: fits ? tokens : 0,
          truncated: this.cut || matched > kept.length || !fits,
        };
      }
      kept.pop(); // kept is in priority order: the last is the least important
    }
  }

  private render(memories: readonly Memory[] | null): ContextBody {
    const { format, sessionId } = this.o;
    if (format === 'json') return renderJson(memories ?? []);
    if (memories === null) return format === 'messages' ? [] : '';
    const markdown = renderMarkdown(sessionId, memories);
    return format === 'messages' ? [{ role: 'system', content: markdown }] : markdown;
  }

  private newLayout(maxTokens: number): ContextLayout {
    const { format, counter, sessionId, order } = this.o;
    return format === 'json'
      ? new JsonBudget(counter, maxTokens)
      : new MarkdownBudget(counter, sessionId, maxTokens, displayOrder(order));
  }

  /**
   * `m` with its content cut to the longest prefix (of whole graphemes, found by bisection) that,
   * with `…` after it, fits an empty context; null when not even `…` alone fits.
   */
  private cutToFit(m: Memory): Memory | null {
    const maxTokens = this.o.maxTokens as number;
    const ends = graphemeEnds(
      m.content,
      (maxTokens + LINE_COST_SLACK) * this.o.counter.maxTokenBytes,
    );
    const withPrefix = (k: number): Memory => ({
      ...m,
      content: `${m.content.slice(0, k === 0 ? 0 : ends[k - 1])}${CUT_MARK}`,
    });
    const fits = (k: number) => this.newLayout(maxTokens).offer(withPrefix(k));
    if (!fits(0)) return null;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return withPrefix(lo);
  }
}

/**
 * The end offsets of the graphemes of `text` (a combining mark, an emoji's modifiers and its
 * surrogate halves stay with their base), up to `maxLength` code units and excluding the last
 * grapheme (a cut keeps less than the whole).
 */
function graphemeEnds(text: string, maxLength: number): number[] {
  const ends: number[] = [];
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { index, segment } of segmenter.segment(text.slice(0, maxLength + 1))) {
    const end = index + segment.length;
    if (end >= text.length || end > maxLength) break;
    ends.push(end);
  }
  return ends;
}
