import fc from 'fast-check';
import { DEFAULT_LIMITS, MAX_BATCH_SIZE, MAX_TAGS } from '../../../domain/index.js';
import type { AppRoute } from '../app-routes.js';
import { TEST_START } from '../test-app.js';
import type { FuzzCase } from './cases.js';
import { searchQueries } from './search-probes.js';

/**
 * Probes: cases aimed at the edges of the documented limits rather than at odd bytes. Each
 * family is a generator of request sequences (a session is created before it is updated or asked
 * for context); a case may say what its answer must be beyond the general invariant (`expect`)
 * and how long a read may take (`budgetMs`).
 */

export const PROBE_FAMILIES = [
  'tag-filters',
  'huge-batches',
  'session-metadata',
  'odd-times',
  'search-queries',
];

/** How long a probing read may take before it counts as a stall. */
export const PROBE_READ_BUDGET_MS = 2_000;

/** At most this many tags over all items of one batch: the default limit of one batch. */
export const MAX_BATCH_TAGS = DEFAULT_LIMITS.maxBatchTags;

/** The most values a list filter may hold by default. */
export const MAX_FILTER_VALUES = DEFAULT_LIMITS.maxFilterValues;

const route = (method: string, path: string): AppRoute => ({ method, path });
const LIST = route('GET', '/api/v1/memories');
const SEARCH = route('POST', '/api/v1/search');
const WRITE = route('POST', '/api/v1/memories');
const CREATE_SESSION = route('POST', '/api/v1/sessions');
const UPDATE_SESSION = route('PUT', '/api/v1/sessions/:id');
const CONTEXT = route('POST', '/api/v1/sessions/:id/context');

const AGENT = 'agent_probe';
/** The tags probes write and filter on, so that filters meet memories that carry them. */
const TAG_POOL = ['a', 'b', 'x.y', 'A-1', ...Array.from({ length: 196 }, (_, i) => `t${i}`)];

const tagsFrom = (start: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => TAG_POOL[(start + i) % TAG_POOL.length] as string);

const request = (
  probe: string,
  r: AppRoute,
  fields: Partial<Omit<FuzzCase, 'route' | 'probe'>> & { json?: unknown },
): FuzzCase => {
  const { json, ...rest } = fields;
  return {
    id: 'x',
    query: [],
    body: json === undefined ? null : { json },
    ...rest,
    route: r,
    probe,
  };
};

/** 1–200 tags in a list or search filter; more than MAX_FILTER_VALUES must be refused, never stall. */
const tagFilters: fc.Arbitrary<FuzzCase[]> = fc
  .record({
    n: fc.oneof(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 9, max: MAX_FILTER_VALUES }),
      fc.integer({ min: MAX_FILTER_VALUES + 1, max: 200 }),
    ),
    start: fc.nat(TAG_POOL.length),
    onSearch: fc.boolean(),
    repeated: fc.boolean(),
    count: fc.boolean(),
    agent: fc.boolean(),
  })
  .map(({ n, start, onSearch, repeated, count, agent }) => {
    const tags = tagsFrom(start, n);
    const expect = n <= MAX_FILTER_VALUES ? 'accepted' : 'refused';
    const shared = { expect, budgetMs: PROBE_READ_BUDGET_MS } as const;
    if (onSearch) {
      const json = { tags, include_count: count, ...(agent ? { agent_id: AGENT } : {}) };
      return [request('tag-filters', SEARCH, { ...shared, json })];
    }
    const query: [string, string][] = repeated
      ? tags.map((t) => ['tags', t])
      : [['tags', tags.join(',')]];
    if (!count) query.push(['include_count', 'false']);
    if (agent) query.push(['agent_id', AGENT]);
    return [request('tag-filters', LIST, { ...shared, query })];
  });

/** Batches up to MAX_BATCH_SIZE (and one past it), each item with many tags. */
const hugeBatches: fc.Arbitrary<FuzzCase[]> = fc
  .record({
    size: fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 1, max: 50 }) },
      { weight: 6, arbitrary: fc.integer({ min: 51, max: 1_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1_001, max: MAX_BATCH_SIZE - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(MAX_BATCH_SIZE, MAX_BATCH_SIZE + 1) },
    ),
    tags: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: MAX_TAGS }) },
      { weight: 1, arbitrary: fc.constant(MAX_TAGS) },
      { weight: 1, arbitrary: fc.constant(MAX_TAGS + 1) },
    ),
    nonce: fc.nat(),
  })
  .map(({ size, tags, nonce }) => {
    const perItem = Math.min(tags, Math.max(1, Math.floor(MAX_BATCH_TAGS / size)));
    const memories = Array.from({ length: size }, (_, i) => ({
      agent_id: AGENT,
      session_id: `sess_probe_${nonce % 50}`,
      content: `probe batch ${nonce} item ${i}`,
      tags: tagsFrom(nonce + i, perItem),
      metadata: { i },
    }));
    const expect = size <= MAX_BATCH_SIZE && perItem <= MAX_TAGS ? 'accepted' : 'refused';
    return [request('huge-batches', WRITE, { expect, json: { memories } })];
  });

/** Metadata of `keys` keys of `valueLength` characters, named after the update `n`. */
const metadataChunk = (n: number, keys: number, valueLength: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: keys }, (_, j) => [`k${n}_${j}`, String(j % 10).repeat(valueLength)]),
  );

/**
 * A session whose metadata grows through repeated PUTs (each merged key by key): many small
 * updates, or a few of several megabytes, so that merged metadata passes the largest body a
 * request may carry (the runner holds every acknowledged session's metadata within it).
 */
const sessionMetadata: fc.Arbitrary<FuzzCase[]> = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        puts: fc.integer({ min: 5, max: 30 }),
        keys: fc.integer({ min: 50, max: 300 }),
        valueLength: fc.integer({ min: 1, max: 200 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        puts: fc.integer({ min: 2, max: 3 }),
        keys: fc.constant(600),
        valueLength: fc.integer({ min: 7_000, max: 9_000 }),
      }),
    },
  )
  .map(({ puts, keys, valueLength }) => [
    request('session-metadata', CREATE_SESSION, {
      json: { agent_id: AGENT, metadata: metadataChunk(0, keys, valueLength) },
    }),
    ...Array.from({ length: puts }, (_, n) =>
      request('session-metadata', UPDATE_SESSION, {
        lastSession: true,
        json: { metadata: metadataChunk(n + 1, keys, valueLength) },
      }),
    ),
  ]);

/**
 * RFC 3339 date-times (and ISO 8601 dates) that are valid, however odd, each with the instant it
 * names (a leap second is the next second; fractions are kept to the millisecond).
 */
const VALID_TIME_INSTANTS: Readonly<Record<string, string>> = {
  '0001-01-01': '0001-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00Z': '0001-01-01T00:00:00.000Z',
  '0050-06-15T12:00:00Z': '0050-06-15T12:00:00.000Z',
  '0099-12-31T23:59:59Z': '0099-12-31T23:59:59.000Z',
  '2016-12-31T23:59:60Z': '2017-01-01T00:00:00.000Z',
  '2026-06-30T23:59:60Z': '2026-07-01T00:00:00.000Z',
  '2026-02-13T10:30:00.1234567891Z': '2026-02-13T10:30:00.123Z',
  '2026-02-13T10:30:00.123456789012345678Z': '2026-02-13T10:30:00.123Z',
  '2026-02-13T10:30:00.0000000000Z': '2026-02-13T10:30:00.000Z',
  '2026-02-13T10:30:00+14:00': '2026-02-12T20:30:00.000Z',
  '2026-02-13T10:30:00-12:00': '2026-02-13T22:30:00.000Z',
  '2026-02-13T10:30:00.5+05:45': '2026-02-13T04:45:00.500Z',
  '2026-02-13t10:30:00z': '2026-02-13T10:30:00.000Z',
  '2026-02-13T10:30:00z': '2026-02-13T10:30:00.000Z',
  '2026-02-13t10:30:00Z': '2026-02-13T10:30:00.000Z',
  '2024-02-29': '2024-02-29T00:00:00.000Z',
};
const RELATIVE_TIMES: Readonly<Record<string, number>> = { '7d': 7 * 86_400_000 };
const VALID_TIMES = [...Object.keys(VALID_TIME_INSTANTS), ...Object.keys(RELATIVE_TIMES)];

/** The instant a valid time names, in ms (a relative one counts back from the test clock's start). */
const instantOf = (t: string): number =>
  t in RELATIVE_TIMES
    ? TEST_START - (RELATIVE_TIMES[t] as number)
    : Date.parse(VALID_TIME_INSTANTS[t] as string);

/** Impossible dates and times: a 400, never a shifted time. */
const INVALID_TIMES = [
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '2026-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-02-13T24:00:01Z',
  '2026-02-13T10:60:00Z',
  '2026-02-13T10:30:00+24:00',
  '2026-02-13T10:30:00+14:60',
];

/**
 * since/until from both lists, and pairs with since later than until, on the list, search and
 * context routes: an impossible time or an empty range (since not before until) is refused.
 */
const oddTimes: fc.Arbitrary<FuzzCase[]> = fc
  .record({
    since: fc.option(fc.constantFrom(...VALID_TIMES, ...INVALID_TIMES), { nil: undefined }),
    until: fc.option(fc.constantFrom(...VALID_TIMES, ...INVALID_TIMES), { nil: undefined }),
    reversed: fc.boolean(),
    on: fc.constantFrom('list', 'search', 'context'),
  })
  .map(({ since: s, until: u, reversed, on }) => {
    const [since, until] = reversed
      ? ['2030-01-01T00:00:00+14:00', '2020-01-01t00:00:00z']
      : [s, u];
    const times = { ...(since ? { since } : {}), ...(until ? { until } : {}) };
    const given = Object.values(times);
    const empty =
      since !== undefined && until !== undefined && !reversed
        ? instantOf(since) >= instantOf(until)
        : reversed;
    const expect: FuzzCase['expect'] =
      given.some((t) => INVALID_TIMES.includes(t)) || empty ? 'refused' : 'accepted';
    const shared = { budgetMs: PROBE_READ_BUDGET_MS, expect } as const;
    if (on === 'list') {
      return [request('odd-times', LIST, { ...shared, query: Object.entries(times) })];
    }
    if (on === 'search') return [request('odd-times', SEARCH, { ...shared, json: times })];
    return [
      request('odd-times', CREATE_SESSION, { json: { agent_id: AGENT } }),
      request('odd-times', CONTEXT, { ...shared, lastSession: true, json: times }),
    ];
  });

const FAMILIES: Readonly<Record<string, fc.Arbitrary<FuzzCase[]>>> = {
  'tag-filters': tagFilters,
  'huge-batches': hugeBatches,
  'session-metadata': sessionMetadata,
  'odd-times': oddTimes,
  'search-queries': searchQueries,
};

/** The probe cases of the named families (every family by default). */
export function probeCases(families: readonly string[] = PROBE_FAMILIES): fc.Arbitrary<FuzzCase[]> {
  const unknown = families.filter((f) => !(f in FAMILIES));
  if (unknown.length > 0 || families.length === 0) {
    throw new Error(`probe families are ${PROBE_FAMILIES.join(', ')}; got ${families.join(', ')}`);
  }
  // Huge batches and metadata are costly: tag filters and times get the larger share.
  const weights: Record<string, number> = {
    'tag-filters': 4,
    'huge-batches': 2,
    'session-metadata': 1,
    'odd-times': 4,
    'search-queries': 4,
  };
  return fc.oneof(
    ...families.map((f) => ({
      weight: weights[f] ?? 1,
      arbitrary: FAMILIES[f] as fc.Arbitrary<FuzzCase[]>,
    })),
  );
}
