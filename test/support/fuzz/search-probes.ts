import fc from 'fast-check';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from '../../../domain/index.js';
import type { AppRoute } from '../app-routes.js';
import type { FuzzCase } from './cases.js';
import { encode } from './read-back.js';

/**
 * The `search-queries` probe family: keyword searches (`query` on POST /search and in a forget's
 * dry run, `q` on GET /memories) made of what full-text engines read as syntax (FTS5's NEAR, AND,
 * OR, NOT, ^, :, *, column filters, quotes, parentheses), escapes and control characters, and
 * lengths and term counts on both sides of the limits. What the answer must be is known by
 * construction: a query with a word, within 1000 characters and 32 terms, is accepted; one over
 * a limit or with no word is refused (400 or, for a query string past the URL limit, 414); one
 * with a NUL or a lone surrogate (refused in a body, read as U+FFFD in a URL) only must not be a 5xx.
 */

const route = (method: string, path: string): AppRoute => ({ method, path });
const LIST = route('GET', '/api/v1/memories');
const SEARCH = route('POST', '/api/v1/search');
const FORGET = route('POST', '/api/v1/memories/forget');
const WRITE = route('POST', '/api/v1/memories');

/** Each holds a word and at most 5 whitespace-separated chunks, so 6 of them stay ≤ 30 terms. */
const WITH_WORD = [
  'deploy',
  'NEAR(deploy staging)',
  'NEAR(deploy, 5)',
  'deploy AND staging',
  'deploy OR staging',
  'deploy NOT staging',
  'OR deploy',
  'deploy OR',
  '"deploy staging"',
  '"deploy',
  'staging"',
  '((deploy',
  'deploy)',
  '(deploy OR staging)',
  'content:deploy',
  'memories:deploy',
  '{content}:deploy',
  '- content:deploy',
  'deploy^2',
  '^deploy',
  '-deploy',
  '+deploy',
  'deploy*',
  'dep*loy',
  '"deploy*"',
  '"deploy" *',
  'dep\\loy',
  'deploy\\',
  '\\"deploy',
  "deploy'",
  "' OR '1'='1 x",
  'deploy; DROP TABLE x; --',
  'deploy%',
  'deploy_1',
  'deploy\u0001\u001f',
  'deploy\u007f',
  'deploy\u2028staging',
  'café',
  '部署',
  '🤖deploy',
  'e\u0301',
  'x1',
];
/** Each holds no word: alone or together they make a query of no word. */
const NO_WORD = [
  '*',
  '(',
  ')',
  '"',
  '""',
  ':',
  '^',
  '-',
  '+',
  '{',
  '}',
  '\\',
  '.',
  ',',
  '\u0001',
  '\u001f',
  '\u00a0',
  '*:*',
];
/** Each makes the case only unrefused, whatever else it holds. */
const ODD = ['\u0000', 'deploy\u0000', '\ud800', 'deploy\udc00', '\udbff'];

type Shape = 'operators' | 'no-word' | 'odd' | 'long' | 'terms';

const query: fc.Arbitrary<{ text: string; shape: Shape; over: boolean }> = fc.oneof(
  fc
    .array(fc.constantFrom(...WITH_WORD), { minLength: 1, maxLength: 6 })
    .map((parts) => ({ text: parts.join(' '), shape: 'operators' as const, over: false })),
  fc
    .array(fc.constantFrom(...NO_WORD), { minLength: 1, maxLength: 8 })
    .chain((parts) => fc.constantFrom(parts.join(' '), parts.join('')))
    .map((text) => ({ text, shape: 'no-word' as const, over: false })),
  fc
    .tuple(fc.constantFrom(...ODD), fc.constantFrom(...WITH_WORD))
    .map(([odd, word]) => ({ text: `${word} ${odd}`, shape: 'odd' as const, over: false })),
  fc
    .constantFrom(1, MAX_QUERY_LENGTH - 1, MAX_QUERY_LENGTH, MAX_QUERY_LENGTH + 1, 5_000, 100_000)
    .chain((n) => fc.constantFrom('a', 'é', '部').map((c) => c.repeat(n)))
    .map((text) => ({ text, shape: 'long' as const, over: text.length > MAX_QUERY_LENGTH })),
  fc.constantFrom(1, MAX_QUERY_TERMS - 1, MAX_QUERY_TERMS, MAX_QUERY_TERMS + 1, 200).map((n) => ({
    text: Array.from({ length: n }, (_, i) => `w${i}`).join(' '),
    shape: 'terms' as const,
    over: n > MAX_QUERY_TERMS,
  })),
);

/** A few memories the queries can meet, then one search on a route with other filters or none. */
export const searchQueries: fc.Arbitrary<FuzzCase[]> = fc
  .record({
    q: query,
    on: fc.constantFrom('list', 'search', 'forget'),
    order: fc.constantFrom(undefined, 'relevance', 'asc', 'desc'),
    filtered: fc.boolean(),
    seed: fc.boolean(),
  })
  .map(({ q, on, order, filtered, seed }) => {
    const refused = q.shape === 'no-word' || q.over;
    const expect: FuzzCase['expect'] =
      q.shape === 'odd' ? undefined : refused ? 'refused' : 'accepted';
    const shared = { probe: 'search-queries', id: 'x', budgetMs: 2_000 } as const;
    const steps: FuzzCase[] = [];
    if (seed) {
      const memories = WITH_WORD.slice(0, 12).map((content) => ({
        agent_id: 'agent_probe',
        content,
        tags: ['probe'],
      }));
      steps.push({ ...shared, route: WRITE, query: [], body: { json: { memories } } });
    }
    const filters = filtered ? { agent_id: 'agent_probe', tags: ['probe'] } : {};
    const ordered = order === undefined ? {} : { order };
    if (on === 'list') {
      // A query string past the URL limit (8192 bytes by default) is a 414: 1000 characters of
      // Chinese are 9000 bytes percent-encoded.
      const tooLong = encode(q.text).length > 8_000;
      const params: [string, string][] = [['q', q.text], ...Object.entries(ordered)];
      if (filtered) params.push(['agent_id', 'agent_probe'], ['tags', 'probe']);
      const listExpect = tooLong && expect !== undefined ? 'refused' : expect;
      steps.push({ ...shared, route: LIST, query: params, body: null, expect: listExpect });
    } else if (on === 'search') {
      const json = { query: q.text, limit: 5, ...filters, ...ordered };
      steps.push({ ...shared, route: SEARCH, query: [], body: { json }, expect });
    } else {
      const json = { query: q.text, dry_run: true, ...filters };
      steps.push({ ...shared, route: FORGET, query: [], body: { json }, expect });
    }
    return steps;
  });
