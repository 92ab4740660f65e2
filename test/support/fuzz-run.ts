import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { listRoutes, routeName, type AppRoute } from './app-routes.js';
import { HttpClient } from './http-client.js';
import { buildTestApp } from './test-app.js';

/** What a fuzz run did; `failures` must be empty. */
export interface FuzzFigures {
  readonly cases: number;
  /** Requests sent, read-backs included. */
  readonly requests: number;
  readonly byStatus: Readonly<Record<number, number>>;
  /** Accepted writes read back and compared. */
  readonly readBacks: number;
  readonly routes: number;
  readonly failures: readonly string[];
}

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  /** A request that takes longer is a hang. */
  readonly timeoutMs?: number;
  readonly progress?: (done: number) => void;
  /** The storage driver of the app under test; the e2e suite's driver by default. */
  readonly driver?: string;
}

/** Valid bodies to mutate, so the fuzzer reaches past shape checks into every field. */
const TEMPLATES: Readonly<Record<string, Record<string, unknown>>> = {
  'POST /api/v1/memories': {
    agent_id: 'agent_fuzz',
    content: 'fuzz',
    session_id: 'sess_fuzz',
    memory_type: 'episodic',
    event_type: 'fuzzed',
    metadata: { k: 'v' },
    tags: ['fuzz'],
    importance: 0.5,
    dedup_key: 'd',
    parent_id: 'mem_fuzz',
  },
  'POST /api/v1/search': {
    agent_id: 'agent_fuzz',
    session_id: 'sess_fuzz',
    memory_types: ['episodic'],
    event_types: ['fuzzed'],
    tags: ['fuzz'],
    content_contains: 'f',
    min_importance: 0.1,
    since: '7d',
    until: '2030-01-01',
    order: 'asc',
    limit: 5,
    offset: 0,
  },
  'POST /api/v1/sessions': { agent_id: 'agent_fuzz', metadata: { k: 'v' } },
  'PUT /api/v1/sessions/:id': { status: 'closed', metadata: { k: 'v' } },
  'POST /api/v1/sessions/:id/context': {
    since: '1h',
    until: '2030-01-01',
    include_types: ['episodic'],
    exclude_types: ['entity'],
    max_tokens: 100,
    order: 'asc',
  },
  'POST /api/v1/agents': { name: 'agent_fuzz', description: 'd', config: { k: 1 } },
  'POST /api/v1/keys': { name: 'fuzz', permissions: ['read'] },
  'POST /api/v1/orgs': { name: 'fuzz org' },
};

const QUERY_NAMES = [
  'agent_id',
  'session_id',
  'memory_type',
  'event_type',
  'tags',
  'content_contains',
  'min_importance',
  'since',
  'until',
  'limit',
  'offset',
  'order',
  'status',
  '__proto__',
  'constructor',
  'unknown',
];

const SQL = [
  "'; DROP TABLE memories; --",
  "' OR '1'='1",
  '%',
  '_',
  '\\',
  '"',
  "'",
  '`',
  '/*',
  '*/',
  ';',
  '$1',
  '?',
  'NULL',
  "\\'",
  "%' ESCAPE '\\",
];
const NUMBER_LIKE = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-0',
  '0x10',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '1.',
  '.5',
  '9007199254740993',
  '4294967296',
  '-1',
  '1e-400',
  '',
];
const ODD = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\udbff\udfff',
  '\ufeff',
  '\u202e',
  '👩‍👩‍👧',
  'ｅ',
  '\r\n',
  '\t',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** Short odd strings: for ids and query values. */
const shortOddString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SQL, ...NUMBER_LIKE, ...ODD) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 20_000 }).map((n) => 'q'.repeat(n)) },
);

/** Odd strings, a few of them huge: for bodies. */
const oddString = fc.oneof(
  { weight: 20, arbitrary: shortOddString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', 'é', '😀', '\u0000', "'"),
        fc.integer({ min: 1_000, max: 100_000 }),
      )
      .map(([c, n]) => c.repeat(n)),
  },
);

const edgeNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1e308,
    -1e308,
    5e-324,
    2 ** 53 + 2,
    -(2 ** 63),
    1e21,
    0.1 + 0.2,
  ),
  fc.double(),
  fc.integer(),
);

/** A JSON value with odd leaves, odd keys and deep nesting. */
const oddJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddString,
    edgeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .array(
        fc.tuple(fc.oneof(oddString, fc.constantFrom('constructor', 'prototype')), tie('value')),
        {
          maxLength: 5,
        },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** Raw bodies JSON.stringify cannot make: numbers out of range, __proto__, broken text. */
const rawBody = fc.oneof(
  fc.constantFrom(
    '{"content": 1e309, "agent_id": "a"}',
    '{"importance": -0, "agent_id": "agent_a", "content": "minus zero"}',
    '{"metadata": {"n": 1e309}, "agent_id": "agent_a", "content": "x"}',
    '{"__proto__": {"polluted": true}, "agent_id": "a", "content": "x"}',
    '{"metadata": {"__proto__": {"polluted": true}}, "agent_id": "a", "content": "x"}',
    '{"metadata": {"constructor": {"prototype": {"polluted": true}}}, "agent_id": "agent_a", "content": "proto"}',
    '{"content": "\\ud800", "agent_id": "a"}',
    '{"content": "a\\u0000b", "agent_id": "a"}',
    '{"agent_id": "a", "agent_id": "agent_b", "content": "duplicate keys"}',
    '{',
    '{"a":',
    '[]',
    '"string"',
    '1',
    'null',
    'true',
    '\u0000',
    '{"memories": null}',
    '{"memories": [null]}',
    '{"memories": {}}',
    '{"memories": [[]]}',
    '',
  ),
  fc.integer({ min: 1, max: 2_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** A template with some fields replaced by odd values, some removed, some unknown added. */
function mutated(template: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(template);
  return fc
    .tuple(
      fc.dictionary(fc.constantFrom(...keys, 'unknown_field', 'org_id', 'constructor'), oddJson, {
        maxKeys: 3,
      }),
      fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
    )
    .map(([overrides, removed]) => {
      const body: Record<string, unknown> = { ...template, ...overrides };
      for (const k of removed) delete body[k];
      return body;
    });
}

/** Text every store must keep as sent: any well-formed Unicode without NUL. */
const keepableString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...SQL,
      ...NUMBER_LIKE.filter(Boolean),
      '\ufeff',
      '\u202e',
      '👩‍👩‍👧',
      'constructor',
      '__proto__x',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'é😀'.repeat(n)) },
);

const keepableJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    keepableString,
    edgeNumber.filter((n) => Number.isFinite(n)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(keepableString, fc.constantFrom('constructor', 'prototype', '')),
          tie('value'),
        ),
        { maxLength: 4 },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** Mostly valid writes with odd but keepable values, so read-backs happen often. */
const acceptableMemory = fc.record({
  agent_id: fc.constantFrom('agent_fuzz', 'a', 'Agent-1_x'),
  content: fc.oneof({ weight: 5, arbitrary: keepableString }, { weight: 1, arbitrary: oddString }),
  metadata: fc.oneof(
    fc.constant({}),
    keepableJson.map((v) => ({ v })),
    fc.dictionary(keepableString, keepableJson, { maxKeys: 4 }),
    fc.dictionary(shortOddString, oddJson, { maxKeys: 2 }),
  ),
  importance: fc.oneof(
    fc.constantFrom(0, -0, 1, 0.5, 5e-324),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ),
  tags: fc.array(fc.constantFrom('a', 'b', 'x.y', 'A-1'), { maxLength: 3 }),
});

interface FuzzCase {
  readonly route: AppRoute;
  readonly id: string;
  readonly query: readonly (readonly [string, string])[];
  /** A JSON value to send, or raw text. */
  readonly body: { readonly json: unknown } | { readonly raw: string } | null;
}

function fuzzCase(routes: readonly AppRoute[]): fc.Arbitrary<FuzzCase> {
  // Writes of memories are what must read back: they get a larger share of the cases.
  const weighted = routes.flatMap((r) =>
    routeName(r) === 'POST /api/v1/memories' ? [r, r, r, r, r] : [r],
  );
  return fc.constantFrom(...weighted).chain((route) => {
    const template = TEMPLATES[routeName(route)];
    const bodies: fc.Arbitrary<FuzzCase['body']>[] = [
      oddJson.map((json) => ({ json })),
      rawBody.map((raw) => ({ raw })),
    ];
    if (template) bodies.push(mutated(template).map((json) => ({ json })));
    if (routeName(route) === 'POST /api/v1/memories') {
      bodies.push(acceptableMemory.map((json) => ({ json })));
      bodies.push(
        fc
          .array(acceptableMemory, { minLength: 1, maxLength: 4 })
          .map((m) => ({ json: { memories: m } })),
      );
    }
    const hasBody = route.method === 'POST' || route.method === 'PUT';
    return fc.record({
      route: fc.constant(route),
      id: fc.oneof(
        shortOddString,
        fc.constantFrom('sess_fuzz', 'agent_fuzz', 'mem_fuzz', '%', '..', '%2e%2e'),
      ),
      // Only list routes take a query; elsewhere any query is a 400, so send one rarely.
      query: fc.oneof(
        { weight: route.method === 'GET' ? 0 : 6, arbitrary: fc.constant([]) },
        {
          weight: 1,
          arbitrary: fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), shortOddString), {
            maxLength: 4,
          }),
        },
      ),
      body: hasBody ? fc.oneof(...bodies) : fc.constant(null),
    });
  });
}

/** Percent-encodes UTF-8 like encodeURIComponent, also for strings with lone surrogates. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

type Json = Record<string, unknown>;

/**
 * Sends `cases` generated requests (seeded) to the real app on 127.0.0.1, over every route the
 * app serves: never a 5xx, never a hang, always the error body on a 4xx, and every accepted
 * memory, session or agent reads back byte-identical to what was sent.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const t = await buildTestApp({
    maxBodyBytes: 10 * 1024 * 1024,
    ...(options.driver ? { driver: options.driver } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const routes = listRoutes(t.app);
  const byStatus: Record<number, number> = {};
  const failures: string[] = [];
  let requests = 0;
  let readBacks = 0;
  let cases = 0;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const client = new HttpClient(base);
  const headers = { 'x-api-key': t.adminKey, 'content-type': 'application/json' };
  const send = async (method: string, path: string, body?: string) => {
    requests++;
    const res = await client.send(method, path, headers, body, timeoutMs);
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    return { status: res.status, text: res.text, type: String(res.headers['content-type'] ?? '') };
  };

  const check = async (c: FuzzCase): Promise<string | null> => {
    const name = routeName(c.route);
    const path =
      c.route.path.replace(':id', encode(c.id) || 'x') +
      (c.query.length ? `?${c.query.map(([k, v]) => `${k}=${encode(v)}`).join('&')}` : '');
    const body =
      c.body === null ? undefined : 'raw' in c.body ? c.body.raw : JSON.stringify(c.body.json);
    let res;
    try {
      res = await send(c.route.method, path, body);
    } catch (e) {
      return `${name}: no answer (${e instanceof Error ? e.message : String(e)}) for ${path.slice(0, 200)}`;
    }
    if (res.status >= 500)
      return `${name}: ${res.status} ${res.text.slice(0, 300)} for ${path.slice(0, 200)} ${String(body).slice(0, 300)}`;
    if (!res.type.includes('json')) return null; // /docs is HTML
    let parsed: Json;
    try {
      parsed = JSON.parse(res.text) as Json;
    } catch {
      return `${name}: answered ${res.status} with a body that is not JSON`;
    }
    if (res.status >= 400) {
      if (
        typeof parsed.error !== 'string' ||
        typeof parsed.message !== 'string' ||
        typeof parsed.request_id !== 'string'
      ) {
        return `${name}: ${res.status} without the error body: ${res.text.slice(0, 200)}`;
      }
      return null;
    }
    if (
      body === undefined ||
      !(res.status === 201 || (res.status === 200 && c.route.method === 'PUT'))
    ) {
      return null;
    }
    const sent = JSON.parse(body) as Json;
    return readBack(name, sent, parsed);
  };

  /**
   * The stored object, fetched again, must equal the acknowledgement and what was sent (null
   * means absent in the API, so a null field is not compared).
   */
  const readBack = async (name: string, sent: Json, acked: Json): Promise<string | null> => {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const pairs: [string, Json, Json][] = [];
    if (name === 'POST /api/v1/memories') {
      const items = Array.isArray(sent.memories) ? (sent.memories as Json[]) : [sent];
      const stored = Array.isArray(acked.memories) ? (acked.memories as Json[]) : [acked];
      if (stored.length !== items.length) return null; // duplicates were left out: nothing to pair
      stored.forEach((m, i) =>
        pairs.push([`/api/v1/memories/${encode(String(m.memory_id))}`, items[i] as Json, m]),
      );
      for (const [, item, m] of pairs) {
        if (item.content !== m.content)
          return `${name}: content changed: ${JSON.stringify(item.content).slice(0, 100)} → ${JSON.stringify(m.content).slice(0, 100)}`;
        if (item.metadata != null && !same(item.metadata, m.metadata))
          return `${name}: metadata changed: ${JSON.stringify(item.metadata).slice(0, 200)} → ${JSON.stringify(m.metadata).slice(0, 200)}`;
      }
    } else if (name === 'POST /api/v1/sessions' || name === 'PUT /api/v1/sessions/:id') {
      pairs.push([`/api/v1/sessions/${encode(String(acked.session_id))}`, sent, acked]);
      if (
        name === 'POST /api/v1/sessions' &&
        sent.metadata != null &&
        !same(sent.metadata, acked.metadata)
      ) {
        return `${name}: metadata changed: ${JSON.stringify(sent.metadata).slice(0, 200)} → ${JSON.stringify(acked.metadata).slice(0, 200)}`;
      }
    } else if (name === 'POST /api/v1/agents') {
      pairs.push([`/api/v1/agents/${encode(String(acked.agent_id))}`, sent, acked]);
      if (sent.config != null && !same(sent.config, acked.config)) {
        return `${name}: config changed: ${JSON.stringify(sent.config).slice(0, 200)} → ${JSON.stringify(acked.config).slice(0, 200)}`;
      }
      if (sent.description != null && sent.description !== acked.description)
        return `${name}: description changed`;
    }
    for (const [path, , ackedItem] of pairs) {
      readBacks++;
      const again = await send('GET', path);
      if (again.status !== 200)
        return `${name}: acknowledged ${path} reads back as ${again.status}`;
      if (again.text !== JSON.stringify(ackedItem)) {
        return `${name}: ${path} reads back different from its acknowledgement: ${again.text.slice(0, 200)} vs ${JSON.stringify(ackedItem).slice(0, 200)}`;
      }
    }
    return null;
  };

  try {
    await fc.assert(
      fc.asyncProperty(fuzzCase(routes), async (c) => {
        cases++;
        if (options.progress && cases % 10_000 === 0) options.progress(cases);
        const failure = await check(c);
        if (failure !== null) {
          failures.push(failure);
          return false;
        }
        return true;
      }),
      { numRuns: options.cases, seed: options.seed, endOnFailure: true },
    );
  } catch (e) {
    // A failed check is already in `failures`; anything else thrown is a failure too.
    if (failures.length === 0) failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.storage.close();
  }
  return { cases, requests, byStatus, readBacks, routes: routes.length, failures };
}
