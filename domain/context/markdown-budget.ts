import type { Memory, MemoryType } from '../memory/memory.js';
import { utf8Length } from '../shared/limits.js';
import {
  CONTEXT_SECTIONS,
  contextHeading,
  contextLine,
  sectionHeader,
} from './context-formatter.js';
import type { TokenCounter } from './token-counter.port.js';

/**
 * How many tokens adding a line may save elsewhere (a neighbour's line ending changes from a blank
 * line to a newline, say): a line that cannot fit with this much to spare is skipped uncounted.
 */
export const LINE_COST_SLACK = 8;

/** What a token budget needs of a rendering: whether a memory's line still fits, exactly. */
export interface ContextLayout {
  /** Whether the empty context (its heading or frame) fits at all; when not, nothing is kept. */
  readonly fitsFrame: boolean;
  /** Tokens still free, by this layout's own count. */
  readonly remaining: number;
  /** Keeps `m` (whole, as given) when it still fits; says whether it did. */
  offer(m: Memory): boolean;
  /**
   * The most line tokens (as `lineTokensOf` counts them) a memory's line could have and still be
   * kept now, or null when this layout's lines are not counted that way.
   */
  lineTokenBound(): number | null;
}

interface Line {
  readonly text: string;
  readonly memory: Memory;
  /** Tokens of the line followed by one newline (it is not its section's last line). */
  readonly beforeLine: number;
  /** Lazily: followed by a blank line (last of a section that another follows), or by nothing. */
  beforeSection?: number;
  atEnd?: number;
}

interface Section {
  readonly n: number;
  /** Sum of `beforeLine` over its lines. */
  readonly sum: number;
  /** Its last line in display order. */
  readonly last: Line;
}

/**
 * The token count of the markdown context, kept exactly as lines are added. The text is cut into
 * units that each end with a line's newline(s) and start with `#` or `-`: the heading with the
 * blank line after it, each section header with its newline, each memory's line with the newline,
 * blank line or nothing that follows it. Both encodings' pre-tokenizers always split right after
 * a run of newlines that is followed by `#` or `-` (no pattern takes a newline and then goes on
 * with either, and none looks behind), so the text's tokens are the sum of its units' tokens
 * (checked over random sessions by test/unit/domain/context-budget.property.test.ts).
 */
export class MarkdownBudget implements ContextLayout {
  private readonly sections = new Map<MemoryType, Section>();
  private readonly headerTokens = new Map<string, number>();
  private readonly headingAlone: number;
  private readonly headingAndGap: number;
  private used: number;

  constructor(
    private readonly counter: TokenCounter,
    sessionId: string,
    private readonly maxTokens: number,
    /** The display order: which line of a section comes last in the text. */
    private readonly displayOrder: (a: Memory, b: Memory) => number,
  ) {
    const heading = contextHeading(sessionId);
    this.headingAlone = counter.countTokens(heading);
    this.headingAndGap = counter.countTokens(`${heading}\n\n`);
    this.used = this.headingAlone;
  }

  get fitsFrame(): boolean {
    return this.headingAlone <= this.maxTokens;
  }

  get remaining(): number {
    return this.maxTokens - this.used;
  }

  /** The exact token count of the context as kept so far. */
  get tokens(): number {
    return this.used;
  }

  offer(m: Memory): boolean {
    if (!this.fitsFrame) return false;
    const text = contextLine(m);
    // Cheap first: a line of b bytes has at least ceil(b / maxTokenBytes) tokens.
    const floor = Math.ceil(utf8Length(text) / this.counter.maxTokenBytes);
    if (floor > this.remaining + LINE_COST_SLACK) return false;
    const line: Line = { text, memory: m, beforeLine: this.counter.countTokens(`${text}\n`) };
    const old = this.sections.get(m.memoryType);
    const next: Section = old
      ? {
          n: old.n + 1,
          sum: old.sum + line.beforeLine,
          last: this.displayOrder(m, old.last.memory) > 0 ? line : old.last,
        }
      : { n: 1, sum: line.beforeLine, last: line };
    this.sections.set(m.memoryType, next);
    const total = this.total();
    if (total > this.maxTokens) {
      if (old) this.sections.set(m.memoryType, old);
      else this.sections.delete(m.memoryType);
      return false;
    }
    this.used = total;
    return true;
  }

  /**
   * Adding a line costs at least its cheapest ending plus the least that any place it could take
   * adds elsewhere, by the same units as {@link total}: in a section present, the header's count
   * may grow, and a line that becomes the section's last turns the old last line's ending into a
   * newline; a new section adds its header, and the blank line after the heading (the first
   * section) or after the section before it (a new last section). That least is counted here
   * exactly from the lines kept (it is 0 or less only when an ending change saves tokens), and
   * `lineTokensOf` counts at most one more than the cheapest ending, so a line with more line
   * tokens than `remaining + 1 - least` cannot fit.
   */
  lineTokenBound(): number {
    const ranks = CONTEXT_SECTIONS.map((s) => s.type);
    const finalRank = ranks.reduce((f, type, i) => (this.sections.has(type) ? i : f), -1);
    const finalType = ranks[finalRank];
    const finalLast =
      finalType === undefined ? null : (this.sections.get(finalType) as Section).last;
    let least = Infinity;
    ranks.forEach((type, rank) => {
      const s = this.sections.get(type);
      let extra: number;
      if (s) {
        const ending = rank === finalRank ? this.atEnd(s.last) : this.beforeSection(s.last);
        extra = this.header(type, s.n + 1) - this.header(type, s.n);
        extra += Math.min(0, s.last.beforeLine - ending);
      } else if (finalLast === null) {
        extra = this.header(type, 1) + this.headingAndGap - this.headingAlone;
      } else if (rank > finalRank) {
        extra = this.header(type, 1) + this.beforeSection(finalLast) - this.atEnd(finalLast);
      } else {
        extra = this.header(type, 1);
      }
      least = Math.min(least, extra);
    });
    return this.remaining + 1 - least;
  }

  /** The exact tokens of the context with the sections as they stand. */
  private total(): number {
    const present = CONTEXT_SECTIONS.filter((s) => this.sections.has(s.type));
    if (present.length === 0) return this.headingAlone;
    let t = this.headingAndGap;
    present.forEach(({ type }, i) => {
      const s = this.sections.get(type) as Section;
      const last = i === present.length - 1 ? this.atEnd(s.last) : this.beforeSection(s.last);
      t += this.header(type, s.n) + s.sum - s.last.beforeLine + last;
    });
    return t;
  }

  private header(type: MemoryType, n: number): number {
    const key = `${type}:${n}`;
    let t = this.headerTokens.get(key);
    if (t === undefined) {
      t = this.counter.countTokens(`${sectionHeader(type, n)}\n`);
      this.headerTokens.set(key, t);
    }
    return t;
  }

  private beforeSection(l: Line): number {
    return (l.beforeSection ??= this.counter.countTokens(`${l.text}\n\n`));
  }

  private atEnd(l: Line): number {
    return (l.atEnd ??= this.counter.countTokens(l.text));
  }
}
