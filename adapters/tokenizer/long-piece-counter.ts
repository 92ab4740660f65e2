import { createRequire } from 'node:module';
import type { TokenizerName } from '../../domain/index.js';

// gpt-tokenizer merges the byte pairs of each pre-tokenized piece by scanning the whole piece for
// the lowest rank at every merge: quadratic in the piece. A piece is one run of letters, which in
// Chinese or Japanese is a whole sentence or more, so one 100,000-character memory without a
// space would block the server for minutes. Texts with such a piece are counted here instead,
// by the same pre-tokenizer and the same merge rule (lowest rank first, leftmost on ties) kept in
// a heap: O(n log n), the same count (test/unit/tokenizer/gpt-token-counter.test.ts compares).

const require = createRequire(import.meta.url);

/** A piece longer than this many UTF-16 code units is counted here. */
export const LONG_PIECE = 256;

/** The longest token of both encodings, in bytes. */
const MAX_TOKEN_BYTES = 128;

const SPLIT: Readonly<Record<TokenizerName, string>> = {
  o200k_base: 'O200K_TOKEN_SPLIT_REGEX',
  cl100k_base: 'CL100K_TOKEN_SPLIT_REGEX',
};

/** The pre-tokenizer of an encoding (a global, Unicode regular expression). */
export function splitRegex(name: TokenizerName): RegExp {
  const constants = require('gpt-tokenizer/encodingParams/constants') as Record<string, RegExp>;
  return new RegExp(constants[SPLIT[name]] as RegExp);
}

const latin1 = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/** Counts tokens piece by piece with a heap-ordered byte-pair merge. */
export class LongPieceCounter {
  private ranks: Map<string, number> | null = null;
  private readonly encoder = new TextEncoder();

  constructor(private readonly name: TokenizerName) {}

  /** The tokens of `text`, whose pieces `regex` gives. */
  count(text: string, regex: RegExp): number {
    let n = 0;
    for (const [piece] of text.matchAll(regex)) n += this.countPiece(piece);
    return n;
  }

  private countPiece(piece: string): number {
    const bytes = this.encoder.encode(piece);
    const rank = this.rankTable();
    const rankOf = (start: number, end: number) =>
      end - start > MAX_TOKEN_BYTES ? Infinity : (rank.get(latin1(bytes, start, end)) ?? Infinity);
    if (rankOf(0, bytes.length) !== Infinity) return 1;
    return mergeCount(bytes.length, rankOf);
  }

  private rankTable(): Map<string, number> {
    if (this.ranks) return this.ranks;
    const table = (require(`gpt-tokenizer/bpeRanks/${this.name}`) as { default: unknown })
      .default as readonly (string | readonly number[])[];
    const ranks = new Map<string, number>();
    table.forEach((value, rank) => {
      const bytes = typeof value === 'string' ? this.encoder.encode(value) : Uint8Array.from(value);
      ranks.set(latin1(bytes, 0, bytes.length), rank);
    });
    this.ranks = ranks;
    return ranks;
  }
}

/**
 * How many tokens byte-pair merging leaves of `n` bytes: repeatedly merge the adjacent pair of
 * parts with the lowest rank (the leftmost on ties) while any pair has one.
 */
function mergeCount(n: number, rankOf: (start: number, end: number) => number): number {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const version = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const end = (i: number) => ((next[i] as number) < n ? (next[next[i] as number] as number) : n);
  const pairRank = (i: number) => ((next[i] as number) < n ? rankOf(i, end(i)) : Infinity);
  const heap = new MinHeap();
  for (let i = 0; i < n - 1; i++) {
    const r = pairRank(i);
    if (r !== Infinity) heap.push(r, i, 0);
  }
  let parts = n;
  for (let top = heap.pop(); top; top = heap.pop()) {
    const [, i, v] = top;
    if (alive[i] === 0 || version[i] !== v) continue;
    const j = next[i] as number;
    alive[j] = 0;
    next[i] = next[j] as number;
    if ((next[j] as number) < n) prev[next[j] as number] = i;
    parts -= 1;
    version[i] = (version[i] as number) + 1;
    const r = pairRank(i);
    if (r !== Infinity) heap.push(r, i, version[i] as number);
    const p = prev[i] as number;
    if (p >= 0) {
      version[p] = (version[p] as number) + 1;
      const rp = pairRank(p);
      if (rp !== Infinity) heap.push(rp, p, version[p] as number);
    }
  }
  return parts;
}

/** A binary min-heap of [rank, position, version], by rank then position. */
class MinHeap {
  private readonly items: [number, number, number][] = [];

  push(rank: number, position: number, version: number): void {
    const items = this.items;
    items.push([rank, position, version]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i] as Entry, items[parent] as Entry)) break;
      [items[i], items[parent]] = [items[parent] as Entry, items[i] as Entry];
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l] as Entry, items[m] as Entry)) m = l;
        if (r < items.length && less(items[r] as Entry, items[m] as Entry)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Entry, items[i] as Entry];
        i = m;
      }
    }
    return top;
  }
}

type Entry = [number, number, number];
const less = (a: Entry, b: Entry) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
