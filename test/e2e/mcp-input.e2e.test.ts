import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../domain/index.js';
import { callTool, startMcpApp, type McpApp, type TextResult } from '../support/mcp-app.js';
import { apiAs } from '../support/test-app.js';

/**
 * The HTTP edge's input rule on the MCP path (what no store keeps byte for byte is refused, as a
 * tool error naming the field, and never stored) and a bounded fuzz of the tools' arguments.
 */

let m: McpApp;
let client: Client;
const statuses: number[] = [];

beforeAll(async () => {
  m = await startMcpApp();
  client = await m.connect(m.t.adminKey, async (input, init) => {
    const res = await fetch(input, init);
    statuses.push(res.status);
    return res;
  });
}, 30_000);
afterAll(async () => {
  await m.close();
});

async function storedCount(agentId: string): Promise<number> {
  const r = await apiAs(m.t.app, m.t.adminKey).get(`/api/v1/memories?agent_id=${agentId}`);
  expect(r.status).toBe(200);
  return (r.body as { memories: unknown[] }).memories.length;
}

/** A tools/call as raw JSON-RPC text, for what JSON.stringify cannot write (1e309). */
async function rawCall(json: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${m.url}/mcp`, {
    method: 'POST',
    headers: {
      'x-api-key': m.t.adminKey,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: json,
  });
  return { status: res.status, text: await res.text() };
}

describe('McpServer.remember', () => {
  it.each([
    ['content', { content: 'half \uD800 a pair' }, 'content must be well-formed Unicode'],
    ['content', { content: 'nul \u0000 inside' }, 'content must not contain NUL'],
    ['metadata', { content: 'ok', metadata: { note: 'x\uDC00' } }, 'metadata.note must be'],
    ['metadata', { content: 'ok', metadata: { deep: ['a', 'b\u0000'] } }, 'metadata.deep[1]'],
    ['metadata key', { content: 'ok', metadata: { 'k\u0000': 1 } }, 'metadata key must not'],
  ])(
    'refuses as a tool error naming the field and stores nothing when %s holds what no store keeps',
    async (_field, args, message) => {
      // Arrange
      const agent = `agent_refused_${statuses.length}`;

      // Act
      const result = await callTool(client, 'memtrace_remember', { agent_id: agent, ...args });

      // Assert
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toContain(message);
      expect(await storedCount(agent)).toBe(0);
    },
  );

  it('refuses as a tool error and stores nothing when metadata has a __proto__ key', async () => {
    // Act: raw JSON-RPC, so the key reaches the server exactly as a client wrote it.
    const { status, text } = await rawCall(
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memtrace_remember",' +
        '"arguments":{"agent_id":"agent_proto","content":"x","metadata":{"__proto__":{"a":1}}}}}',
    );

    // Assert
    expect(status).toBe(200);
    expect(text).toContain('"isError":true');
    expect(text).toContain('metadata must not have a __proto__ key');
    expect(await storedCount('agent_proto')).toBe(0);
  });

  it('refuses as a tool error naming the field and stores nothing when metadata holds 1e309', async () => {
    // Act
    const { status, text } = await rawCall(
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memtrace_remember",' +
        '"arguments":{"agent_id":"agent_infinite","content":"big","metadata":{"n":1e309}}}}',
    );

    // Assert
    expect(status).toBe(200);
    expect(text).toContain('"isError":true');
    expect(text).toContain('metadata.n must not contain numbers beyond the range of a double');
    expect(await storedCount('agent_infinite')).toBe(0);
  });

  it.each(['1234567890123456789', '9007199254740993', '-9007199254740993'])(
    'refuses as a tool error naming the field and stores nothing when metadata holds the integer %s, which parsing rounds',
    async (digits) => {
      // Arrange
      const agent = `agent_big_${digits.replace('-', 'minus')}`;

      // Act
      const { status, text } = await rawCall(
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"memtrace_remember",' +
          `"arguments":{"agent_id":"${agent}","content":"big","metadata":{"discord_id":${digits}}}}}`,
      );

      // Assert
      expect(status).toBe(200);
      expect(text).toContain('"isError":true');
      expect(text).toContain('metadata.discord_id must not contain integers beyond');
      expect(await storedCount(agent)).toBe(0);
    },
  );

  it('stores 9007199254740991 and 0.1 as given when metadata holds them', async () => {
    // Act
    const result = await callTool(client, 'memtrace_remember', {
      agent_id: 'agent_exact',
      content: 'exact',
      metadata: { max: 9007199254740991, min: -9007199254740991, tenth: 0.1 },
    });

    // Assert
    expect(result.isError).toBeFalsy();
    const r = await apiAs(m.t.app, m.t.adminKey).get('/api/v1/memories?agent_id=agent_exact');
    expect(r.text).toContain(
      '"metadata":{"max":9007199254740991,"min":-9007199254740991,"tenth":0.1}',
    );
  });
});

describe('McpServer.session_create', () => {
  it('refuses as a tool error naming the field when metadata holds a lone surrogate', async () => {
    // Act
    const result = await callTool(client, 'memtrace_session_create', {
      agent_id: 'agent_sess_refused',
      metadata: { a: { b: '\uD83D' } },
    });

    // Assert
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain('metadata.a.b must be well-formed Unicode');
  });
});

/** Strings with the fuzzer's favourites: NUL, lone surrogates, SQL and JSON metacharacters. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\uD800',
    '\uDFFF',
    "'; DROP TABLE memories; --",
    '%_\\',
    '__proto__',
    'constructor',
    '😀',
    'NaN',
    '-0',
    '1e309',
  ),
  fc.string({ maxLength: 20 }),
);
const idLike = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), nasty);
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(nasty, fc.oneof(nasty, fc.double(), fc.integer(), fc.constant(-0)), {
    maxKeys: 4,
  }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const anything = fc.oneof(
  nasty,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  jsonish,
  fc.array(nasty, { maxLength: 3 }),
);

const calls = fc.oneof(
  fc.record({
    tool: fc.constant('memtrace_remember'),
    args: fc.record({
      agent_id: fc.constant('agent_fuzz'),
      content: nasty,
      metadata: jsonish.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
    }),
  }),
  fc.record({
    tool: fc.constant('memtrace_remember'),
    args: fc.record(
      {
        agent_id: idLike,
        content: nasty,
        tags: maybe(
          fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9_.-]{1,8}$/), nasty), { maxLength: 3 }),
        ),
        importance: maybe(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double())),
        metadata: maybe(fc.oneof(jsonish, anything)),
        memory_type: maybe(
          fc.oneof(fc.constantFrom('episodic', 'decision', 'entity', 'session'), nasty),
        ),
        event_type: maybe(idLike),
        session_id: maybe(idLike),
      },
      { requiredKeys: ['agent_id', 'content'] },
    ),
  }),
  fc.record({
    tool: fc.constantFrom(
      'memtrace_recall',
      'memtrace_search',
      'memtrace_decide',
      'memtrace_session_create',
      'memtrace_session_context',
      'memtrace_session_close',
      'memtrace_agent_register',
      'memtrace_agent_stats',
      'memtrace_forget',
    ),
    args: fc.dictionary(
      fc.constantFrom(
        'agent_id',
        'session_id',
        'since',
        'limit',
        'tags',
        'metadata',
        'name',
        'content_contains',
        'decision',
        'reasoning',
        'max_tokens',
        'min_importance',
        'memory_type',
        'include_types',
        'ids',
        'dry_run',
        'until',
      ),
      anything,
      { maxKeys: 5 },
    ),
  }),
);

const CASES = 300;
const SEED = 20_260_214;

describe('McpHttpEndpoint.fuzz', () => {
  it(`answers ${CASES} generated tool calls with no crash and no 5xx, and reads back every accepted memory byte-identical when fuzzed`, async () => {
    // Arrange
    const rest = apiAs(m.t.app, m.t.adminKey);
    let accepted = 0;
    statuses.length = 0;

    // Act
    await fc.assert(
      fc.asyncProperty(calls, async ({ tool, args }) => {
        let result: TextResult;
        try {
          result = await callTool(client, tool, args as Record<string, unknown>);
        } catch (e) {
          // A JSON-RPC error (invalid params) is an answer; a transport failure is not.
          expect(String(e)).toMatch(/MCP error -32\d{3}/);
          return;
        }
        expect(Array.isArray(result.content)).toBe(true);
        if (tool !== 'memtrace_remember' || result.isError) return;
        accepted += 1;
        const sent = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
        const stored = JSON.parse(result.content[0]?.text ?? 'null') as { memory_id: string };
        const read = await rest.get(`/api/v1/memories/${stored.memory_id}`);
        expect(read.status).toBe(200);
        expect(read.body.content).toBe(sent.content);
        expect(read.body.agent_id).toBe(sent.agent_id);
        expect(read.body.metadata).toEqual(sent.metadata ?? {});
        expect(JSON.stringify(read.body.metadata)).toBe(JSON.stringify(sent.metadata ?? {}));
        if (sent.tags !== undefined)
          expect(read.body.tags).toEqual([...new Set(sent.tags as string[])]);
        if (sent.importance !== undefined) expect(read.body.importance).toBe(sent.importance);
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: true },
    );

    // Assert
    expect(statuses.length).toBeGreaterThanOrEqual(CASES);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(accepted).toBeGreaterThan(10);
    expect((await rest.get('/api/v1/memories?limit=1')).status).toBe(200);
  }, 120_000);
});

describe('McpServer.filterLimits', () => {
  it.each([
    ['memtrace_search', 'tags'],
    ['memtrace_search', 'memory_types'],
    ['memtrace_forget', 'tags'],
    ['memtrace_forget', 'memory_types'],
  ])(
    'answers %s with a tool error naming the limit when %s has more values than allowed',
    async (tool, field) => {
      // Arrange
      const values =
        field === 'tags'
          ? Array.from({ length: DEFAULT_LIMITS.maxFilterValues + 1 }, (_, i) => `t${i}`)
          : Array.from({ length: DEFAULT_LIMITS.maxFilterValues + 1 }, () => 'episodic');

      // Act
      const result = await callTool(client, tool, { [field]: values });

      // Assert
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toContain(
        `${field} must have at most ${DEFAULT_LIMITS.maxFilterValues} values`,
      );
    },
  );

  it('answers memtrace_forget with a tool error naming the limit when ids has more than 1000', async () => {
    // Arrange
    const ids = Array.from({ length: 1001 }, (_, i) => `mem_${String(i).padStart(24, '0')}`);

    // Act
    const result = await callTool(client, 'memtrace_forget', { ids, dry_run: true });

    // Assert
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain('ids must have at most 1000 values');
  });
});
