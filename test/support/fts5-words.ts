import Database from 'better-sqlite3';

/**
 * How SQLite FTS5's tokenizer `unicode61 remove_diacritics 0` (the one the SQLite store's
 * full-text index uses) splits and folds texts: the truth `tokenizeWords` is checked against,
 * and the source of its tables (run `npx tsx test/support/fts5-words.ts` to print them).
 */
export function fts5Words(texts: readonly string[]): string[][] {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(c, tokenize = 'unicode61 remove_diacritics 0');
             CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`);
    const insert = db.prepare('INSERT INTO t (rowid, c) VALUES (?, ?)');
    db.transaction(() => texts.forEach((text, i) => insert.run(i + 1, text)))();
    const words = texts.map((): string[] => []);
    const rows = db.prepare('SELECT doc, term FROM v ORDER BY doc, "offset"').all() as {
      doc: number;
      term: string;
    }[];
    for (const row of rows) words[row.doc - 1]?.push(row.term);
    return words;
  } finally {
    db.close();
  }
}

/** Every code point but the surrogates, from `from` to `to` inclusive. */
export function codePoints(from: number, to: number): number[] {
  const out: number[] = [];
  for (let c = from; c <= to; c++) if (c < 0xd800 || c > 0xdfff) out.push(c);
  return out;
}

/** Ranges as `tokenizeWords` stores them: base 36 (gap from the last end, "+" length - 1). */
function encodeRanges(points: readonly number[]): string {
  const parts: string[] = [];
  let prev = 0;
  for (let i = 0; i < points.length;) {
    const start = points[i] as number;
    let end = start;
    while (points[i + 1] === end + 1) end = points[++i] as number;
    i++;
    parts.push((start - prev).toString(36) + (end > start ? '+' + (end - start).toString(36) : ''));
    prev = end;
  }
  return parts.join(',');
}

/** Prints SEPARATORS and KEPT_CASE of domain/memory/search-words.ts. */
function printTables(): void {
  const all = codePoints(1, 0x10ffff);
  const alone = fts5Words(all.map((c) => ' ' + String.fromCodePoint(c) + ' '));
  const separators = all.filter((_, i) => alone[i]?.length === 0);
  const folded = fts5Words(all.map((c) => 'q' + String.fromCodePoint(c)));
  const kept = all.filter((c, i) => {
    const ch = String.fromCodePoint(c);
    const lower = ch.toLowerCase();
    return folded[i]?.[0] === 'q' + ch && [...lower].length === 1 && lower !== ch;
  });
  console.log(`SEPARATORS = '${encodeRanges(separators)}'`);
  console.log(`KEPT_CASE = '${encodeRanges(kept)}'`);
}

if (process.argv[1]?.endsWith('fts5-words.ts')) printTables();
