import { distinctTerms, termPositions, tokenizeWords, type SearchQuery } from './search-query.js';

const K1 = 1.2;
const B = 0.75;

/**
 * BM25 scores of documents for a query, over the documents given as the collection: the
 * in-memory store's rank (higher is better, positive for every document matching the query).
 *
 * For each distinct term t of the query (over every group): idf(t) = ln(1 + (N - n + 0.5) /
 * (n + 0.5)), with N the documents and n those containing t; a document scores the sum over the
 * terms it contains of idf(t) · f · (k1 + 1) / (f + k1 · (1 - b + b · len / avglen)), where f is
 * how often t occurs in it and len its number of words (k1 = 1.2, b = 0.75, as FTS5's bm25()).
 * The same documents give the same scores, so a cursor over them stays valid.
 * @returns one score per document, in order (0 for one that contains no term)
 */
export function bm25Scores(contents: readonly string[], q: SearchQuery): number[] {
  const docs = contents.map((c) => tokenizeWords(c));
  const terms = distinctTerms(q);
  const n = docs.length;
  const avg = n === 0 ? 0 : docs.reduce((sum, d) => sum + d.length, 0) / n;
  const freq = docs.map((d) => terms.map((t) => termPositions(d, t).length));
  const idf = terms.map((_, i) => {
    const having = freq.filter((f) => (f[i] as number) > 0).length;
    return Math.log(1 + (n - having + 0.5) / (having + 0.5));
  });
  return docs.map((d, k) => {
    const norm = K1 * (1 - B + (B * d.length) / (avg || 1));
    let score = 0;
    (freq[k] as number[]).forEach((f, i) => {
      if (f > 0) score += ((idf[i] as number) * f * (K1 + 1)) / (f + norm);
    });
    return score;
  });
}
