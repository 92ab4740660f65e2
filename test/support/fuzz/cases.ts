import fc from 'fast-check';
import { routeName, type AppRoute } from '../app-routes.js';
import {
  keepableJson,
  keepableString,
  oddJson,
  oddString,
  rawBody,
  shortOddString,
} from './values.js';

/** One request of a fuzz run. */
export interface FuzzCase {
  readonly route: AppRoute;
  readonly id: string;
  readonly query: readonly (readonly [string, string])[];
  /** A JSON value to send, or raw text. */
  readonly body: { readonly json: unknown } | { readonly raw: string } | null;
  /** The probe family that made the case; none for the general cases. */
  readonly probe?: string;
  /** Sent to the session the run created last instead of `id`. */
  readonly lastSession?: boolean;
  /** What the answer must be beyond the general invariant: a 2xx, or a 4xx. */
  readonly expect?: 'accepted' | 'refused';
  /** An answer slower than this is a failure (the general hang limit otherwise). */
  readonly budgetMs?: number;
}

/** Valid bodies to mutate, so the fuzzer reaches past shape checks into every field. */
export const TEMPLATES: Readonly<Record<string, Record<string, unknown>>> = {
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
    query: 'fuzz* OR "odd value"',
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
  'POST /api/v1/memories/forget': {
    query: 'fuzz',
    agent_id: 'agent_fuzz',
    session_id: 'sess_fuzz',
    memory_types: ['episodic'],
    event_types: ['fuzzed'],
    tags: ['fuzz'],
    since: '7d',
    until: '2030-01-01',
    ids: ['mem_fuzz'],
    dry_run: true,
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
    query: 'deploy* OR "rollback plan"',
  },
  'POST /api/v1/agents': { name: 'agent_fuzz', description: 'd', config: { k: 1 } },
  'POST /api/v1/keys': { name: 'fuzz', permissions: ['read'] },
  'POST /api/v1/orgs': { name: 'fuzz org' },
};

export const QUERY_NAMES = [
  'agent_id',
  'session_id',
  'memory_type',
  'event_type',
  'tags',
  'content_contains',
  'q',
  'q',
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

/** A template with some fields replaced by odd values, some removed, some unknown added. */
export function mutated(template: Record<string, unknown>): fc.Arbitrary<unknown> {
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

/** Mostly valid writes with odd but keepable values, so read-backs happen often. */
export const acceptableMemory = fc.record({
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

/** One general case: any route, any id, odd queries and bodies. */
export function fuzzCase(routes: readonly AppRoute[]): fc.Arbitrary<FuzzCase> {
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
