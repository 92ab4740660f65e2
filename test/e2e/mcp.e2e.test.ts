import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptTokenCounters } from '../../adapters/tokenizer/gpt-token-counter.js';
import { aBootstrapKey } from '../support/server-process.js';
import { useServerProcess } from '../support/use-server.js';
import { nodeEntry } from '../support/entry.js';

/**
 * The MCP server through the MCP SDK's own client, on both transports: stdio (`memtrace mcp`, a
 * client of a real server process) and Streamable HTTP at /mcp on that server.
 */

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const MCP_MAIN = nodeEntry('src/mcp-main.ts');
const key = aBootstrapKey();
const server = useServerProcess(() => ({
  MEMTRACE_STORAGE_DRIVER: 'memory',
  MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
}));

interface TextResult {
  content: { type: string; text: string }[];
  isError?: boolean;
}

const transports: [string, () => Transport][] = [
  [
    'stdio',
    () =>
      new StdioClientTransport({
        command: process.execPath,
        args: MCP_MAIN,
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', MEMTRACE_URL: server().url, MEMTRACE_API_KEY: key },
        stderr: 'pipe',
      }),
  ],
  [
    'streamable-http',
    () =>
      new StreamableHTTPClientTransport(new URL(`${server().url}/mcp`), {
        requestInit: { headers: { 'x-api-key': key } },
      }),
  ],
];

describe.each(transports)('McpServer over %s', (name, transport) => {
  let client: Client;
  const agent = `mcp_${name.replace('-', '_')}`;

  async function call(tool: string, args: Record<string, unknown>): Promise<TextResult> {
    return (await client.callTool({ name: tool, arguments: args })) as TextResult;
  }
  async function callJson(tool: string, args: Record<string, unknown>) {
    const result = await call(tool, args);
    expect(result.isError ?? false, result.content[0]?.text).toBe(false);
    return JSON.parse(result.content[0]?.text ?? 'null') as Record<string, unknown>;
  }

  beforeAll(async () => {
    client = new Client({ name: 'memtrace-test', version: '1.0.0' });
    await client.connect(transport());
  });
  afterAll(async () => {
    await client.close();
  });

  it('lists the Go tools plus session_close and agent_stats when asked for tools', async () => {
    // Act
    const { tools } = await client.listTools();

    // Assert
    expect(tools.map((t) => t.name).sort()).toEqual([
      'memtrace_agent_register',
      'memtrace_agent_stats',
      'memtrace_decide',
      'memtrace_forget',
      'memtrace_recall',
      'memtrace_remember',
      'memtrace_search',
      'memtrace_session_close',
      'memtrace_session_context',
      'memtrace_session_create',
    ]);
    const remember = tools.find((t) => t.name === 'memtrace_remember');
    expect(remember?.inputSchema.required?.sort()).toEqual(['agent_id', 'content']);
  });

  it('registers an agent and reports its stats when the tools are called', async () => {
    // Act
    const registered = await callJson('memtrace_agent_register', {
      name: agent,
      description: 'MCP test agent',
    });
    await callJson('memtrace_remember', { agent_id: agent, content: 'warm up' });
    const stats = await callJson('memtrace_agent_stats', { agent_id: agent });

    // Assert
    expect(registered).toMatchObject({ name: agent, description: 'MCP test agent' });
    // The original SDKs' names beside the spec's (see README).
    expect(registered.id).toBe(registered.agent_id);
    expect(registered.org_id).toEqual(expect.stringMatching(/^org_/));
    expect(stats).toMatchObject({ agent_id: agent, memory_count: 1 });
  });

  it('keeps the time memtrace_remember is given and refuses one too far ahead', async () => {
    // Act
    const remembered = await callJson('memtrace_remember', {
      agent_id: agent,
      content: 'an event of last year',
      time: '2025-03-01T12:00:00Z',
    });
    const ahead = await call('memtrace_remember', {
      agent_id: agent,
      content: 'an event of next year',
      time: new Date(Date.now() + 366 * 86_400_000).toISOString(),
    });

    // Assert
    expect(remembered.time).toBe('2025-03-01T12:00:00.000Z');
    expect(Date.parse(remembered.created_at as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(ahead.isError).toBe(true);
    expect(ahead.content[0]?.text).toMatch(/time must not be more than 5m0s in the future/);
  });

  it('remembers with a ttl or pinned, and refuses both at once', async () => {
    const expiring = await callJson('memtrace_remember', {
      agent_id: agent,
      content: 'expires in a week',
      ttl: '7d',
    });
    const pinned = await callJson('memtrace_remember', {
      agent_id: agent,
      content: 'never expires',
      pinned: true,
    });
    const both = await call('memtrace_remember', {
      agent_id: agent,
      content: 'both',
      ttl: '1h',
      pinned: true,
    });

    expect(Date.parse(expiring.expires_at as string) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(expiring.pinned).toBe(false);
    expect(pinned).toMatchObject({ expires_at: null, pinned: true });
    expect(both.isError).toBe(true);
    expect(both.content[0]?.text).toContain('pinned');
  });

  it('remembers, recalls, decides and searches when the memory tools are called', async () => {
    // Act
    const remembered = await callJson('memtrace_remember', {
      agent_id: agent,
      content: 'Crawled https://example.com',
      tags: ['crawling'],
      importance: 0.7,
      metadata: { pages: 3 },
    });
    const decided = await callJson('memtrace_decide', {
      agent_id: agent,
      decision: 'Focus on category A',
      reasoning: 'Higher engagement',
    });
    const recalled = await callJson('memtrace_recall', { agent_id: agent });
    const found = await callJson('memtrace_search', {
      agent_id: agent,
      content_contains: 'example.com',
      tags: ['crawling'],
      min_importance: 0.5,
    });

    // Assert
    expect(remembered).toMatchObject({
      memory_type: 'episodic',
      event_type: 'general',
      tags: ['crawling'],
      metadata: { pages: 3 },
    });
    expect(decided).toMatchObject({
      memory_type: 'decision',
      event_type: 'decision',
      metadata: { reasoning: 'Higher engagement' },
    });
    const recalledContents = (recalled.memories as { content: string }[]).map((m) => m.content);
    expect(recalledContents.slice(0, 2)).toEqual([
      'Focus on category A',
      'Crawled https://example.com',
    ]);
    expect((found.results as { memory_id: string }[]).map((m) => m.memory_id)).toEqual([
      remembered.memory_id,
    ]);
  });

  it('ranks memtrace_search by its query, each result with a score, and refuses a query of no word', async () => {
    // Arrange
    const ranked = `${agent}_ranked`;
    const short = await callJson('memtrace_remember', {
      agent_id: ranked,
      content: 'lease renewal',
    });
    const long = await callJson('memtrace_remember', {
      agent_id: ranked,
      content: 'the lease of the office on the third floor ends next spring, ask about renewal',
    });
    await callJson('memtrace_remember', { agent_id: ranked, content: 'printer out of toner' });

    // Act
    const found = await callJson('memtrace_search', { agent_id: ranked, query: 'lease renew*' });
    const plain = await callJson('memtrace_search', { agent_id: ranked });
    const noWord = await call('memtrace_search', { agent_id: ranked, query: '"" ()' });

    // Assert
    const results = found.results as { memory_id: string; score: number }[];
    expect(results.map((r) => r.memory_id)).toEqual([short.memory_id, long.memory_id]);
    expect(results[0]?.score).toBeGreaterThan(results[1]?.score as number);
    expect(results[1]?.score).toBeGreaterThan(0);
    expect(plain.results as object[]).toHaveLength(3);
    for (const r of plain.results as object[]) expect(r).not.toHaveProperty('score');
    expect(noWord.isError).toBe(true);
    expect(noWord.content[0]?.text).toMatch(/query must contain at least one word/);
  });

  it('pages recall and search along next_cursor when the cursor is passed back', async () => {
    // Arrange
    const paged = `${agent}_paged`;
    for (let i = 0; i < 5; i++) {
      await callJson('memtrace_remember', { agent_id: paged, content: `page ${i}`, tags: ['pg'] });
    }

    // Act
    const follow = async (name: string, args: Record<string, unknown>, list: string) => {
      const seen: string[] = [];
      let cursor: unknown;
      do {
        const page = await callJson(name, { ...args, limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...(page[list] as { content: string }[]).map((m) => m.content));
        cursor = page.next_cursor;
      } while (typeof cursor === 'string');
      return seen;
    };
    const recalled = await follow('memtrace_recall', { agent_id: paged }, 'memories');
    const searched = await follow('memtrace_search', { agent_id: paged, tags: ['pg'] }, 'results');

    // Assert
    const newestFirst = [4, 3, 2, 1, 0].map((i) => `page ${i}`);
    expect(recalled).toEqual(newestFirst);
    expect(searched).toEqual(newestFirst);
  });

  it('retires a corrected memory from recall when remember is called with supersedes', async () => {
    // Arrange
    const who = `${agent}_fix`;
    const wrong = await callJson('memtrace_remember', { agent_id: who, content: 'Port is 8080' });

    // Act
    const fixed = await callJson('memtrace_remember', {
      agent_id: who,
      content: 'Port is 9090',
      supersedes: wrong.memory_id,
    });
    const again = await call('memtrace_remember', {
      agent_id: who,
      content: 'Port is 7070',
      supersedes: wrong.memory_id,
    });
    const recalled = await callJson('memtrace_recall', { agent_id: who });

    // Assert
    expect(fixed.supersedes).toBe(wrong.memory_id);
    expect(again.isError).toBe(true);
    expect(again.content[0]?.text).toContain('already superseded');
    expect((recalled.memories as { content: string }[]).map((m) => m.content)).toEqual([
      'Port is 9090',
    ]);
  });

  it('creates, reads as markdown (tool and resource) and closes a session', async () => {
    // Arrange
    const session = await callJson('memtrace_session_create', {
      agent_id: agent,
      metadata: { task: 'research' },
    });
    const sessionId = String(session.session_id);
    await callJson('memtrace_remember', {
      agent_id: agent,
      session_id: sessionId,
      content: 'Visited the home page',
    });
    await callJson('memtrace_remember', {
      agent_id: agent,
      session_id: sessionId,
      memory_type: 'entity',
      content: 'Product X',
    });

    // Act
    const context = await call('memtrace_session_context', {
      session_id: sessionId,
      since: '1h',
      include_types: ['episodic'],
    });
    const resource = await client.readResource({
      uri: `memtrace://sessions/${sessionId}/context`,
    });
    const closed = await callJson('memtrace_session_close', { session_id: sessionId });

    // Assert: the tool gives the raw markdown, not JSON
    expect(session).toMatchObject({ id: sessionId, org_id: expect.stringMatching(/^org_/) });
    expect(closed).toMatchObject({ id: sessionId, status: 'closed' });
    expect(context.content[0]?.text).toBe(
      `## Session Context (${sessionId})\n\n### Recent Actions (1)\n- Visited the home page`,
    );
    expect(resource.contents).toEqual([
      {
        uri: `memtrace://sessions/${sessionId}/context`,
        mimeType: 'text/markdown',
        text: `## Session Context (${sessionId})\n\n### Recent Actions (1)\n- Visited the home page\n\n### Entities (1)\n- Product X`,
      },
    ]);
    expect(session).toMatchObject({ agent_id: agent, status: 'active' });
    expect(closed).toMatchObject({ session_id: sessionId, status: 'closed' });
  });

  it('answers the JSON sections or chat messages memtrace_session_context is asked for, within max_tokens', async () => {
    // Arrange
    const sessionId = `ctx_${name.replace('-', '_')}`;
    await callJson('memtrace_remember', {
      agent_id: agent,
      session_id: sessionId,
      content: '决定使用PostgreSQL作为主数据库',
      memory_type: 'decision',
    });

    // Act
    const sections = await callJson('memtrace_session_context', {
      session_id: sessionId,
      format: 'json',
      tokenizer: 'cl100k_base',
      max_tokens: 100,
    });
    const messages = await callJson('memtrace_session_context', {
      session_id: sessionId,
      format: 'messages',
    });
    const bad = await call('memtrace_session_context', { session_id: sessionId, format: 'html' });

    // Assert
    expect(sections).toEqual([
      {
        title: 'Decisions',
        memory_type: 'decision',
        items: [expect.objectContaining({ content: '决定使用PostgreSQL作为主数据库' })],
      },
    ]);
    expect(messages).toEqual([
      {
        role: 'system',
        content: `## Session Context (${sessionId})\n\n### Decisions (1)\n- 决定使用PostgreSQL作为主数据库`,
      },
    ]);
    expect(bad.isError).toBe(true);
  });

  it('keeps the memories matching memtrace_session_context query first within max_tokens', async () => {
    // Arrange: an important note that does not match, an unimportant one that does
    const sessionId = `ctxq_${name.replace('-', '_')}`;
    await callJson('memtrace_remember', {
      agent_id: agent,
      session_id: sessionId,
      content: 'cache warmed',
      importance: 1,
    });
    await callJson('memtrace_remember', {
      agent_id: agent,
      session_id: sessionId,
      content: 'deploy failed',
      importance: 0,
    });
    const one = `## Session Context (${sessionId})\n\n### Recent Actions (1)\n- deploy failed`;
    // Room for exactly that one line (the other costs the same tokens, so one fits, not both).
    const maxTokens = gptTokenCounters()('o200k_base').countTokens(one);

    // Act
    const ranked = await call('memtrace_session_context', {
      session_id: sessionId,
      max_tokens: maxTokens,
      query: 'deploy',
    });
    const unranked = await call('memtrace_session_context', {
      session_id: sessionId,
      max_tokens: maxTokens,
    });
    const bad = await call('memtrace_session_context', { session_id: sessionId, query: '"*"' });

    // Assert
    expect(ranked.content[0]?.text).toBe(one);
    expect(unranked.content[0]?.text).toContain('- cache warmed');
    expect(bad.isError).toBe(true);
  });

  it('counts and closes a session that only a remembered memory named', async () => {
    // Arrange
    const owner = `${agent}_implicit`;
    const sessionId = `chat_${name.replace('-', '_')}`;
    await callJson('memtrace_remember', {
      agent_id: owner,
      session_id: sessionId,
      content: 'Opened a chat',
    });

    // Act
    const stats = await callJson('memtrace_agent_stats', { agent_id: owner });
    const closed = await callJson('memtrace_session_close', { session_id: sessionId });

    // Assert
    expect(stats).toMatchObject({ session_count: 1, active_sessions: 1 });
    expect(closed).toMatchObject({ session_id: sessionId, agent_id: owner, status: 'closed' });
  });

  it('counts on a dry run, then forgets what the filters match and only that', async () => {
    // Arrange
    const owner = `${agent}_forget`;
    const kept = await callJson('memtrace_remember', { agent_id: owner, content: 'keep me' });
    await callJson('memtrace_remember', { agent_id: owner, content: 'drop 1', tags: ['drop'] });
    await callJson('memtrace_remember', { agent_id: owner, content: 'drop 2', tags: ['drop'] });

    // Act
    const dry = await callJson('memtrace_forget', {
      agent_id: owner,
      tags: ['drop'],
      dry_run: true,
    });
    const afterDry = await callJson('memtrace_recall', { agent_id: owner });
    const forgotten = await callJson('memtrace_forget', { agent_id: owner, tags: ['drop'] });
    const left = await callJson('memtrace_recall', { agent_id: owner });
    const byId = await callJson('memtrace_forget', { ids: [kept.memory_id] });

    // Assert
    expect(dry).toEqual({ would_delete: 2, dry_run: true });
    expect(afterDry.memories).toHaveLength(3);
    expect(forgotten).toEqual({ deleted: 2 });
    expect((left.memories as { content: string }[]).map((m) => m.content)).toEqual(['keep me']);
    expect(byId).toEqual({ deleted: 1 });
    expect((await callJson('memtrace_recall', { agent_id: owner })).memories).toEqual([]);
  });

  it('refuses a forget without a filter, naming all, and forgets nothing', async () => {
    // Arrange
    const owner = `${agent}_unfiltered`;
    await callJson('memtrace_remember', { agent_id: owner, content: 'still here' });

    // Act
    const refused = await call('memtrace_forget', {});
    const mixed = await call('memtrace_forget', { all: true, agent_id: owner });

    // Assert
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(/^memtrace error: .*all: true/);
    expect(mixed.isError).toBe(true);
    expect((await callJson('memtrace_recall', { agent_id: owner })).memories).toHaveLength(1);
  });

  it('answers a tool error with the API message when the input is refused', async () => {
    // Act
    const unknown = await call('memtrace_session_close', { session_id: 'sess_does_not_exist' });
    const invalid = await call('memtrace_remember', { agent_id: '9 bad id', content: 'x' });

    // Assert
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]?.text).toMatch(/^memtrace error: .*not found/i);
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0]?.text).toMatch(/agent_id/);
  });
});

describe('McpServer over streamable-http, authentication', () => {
  it('answers 401 with the API error body when no key is sent', async () => {
    // Act
    const res = await fetch(`${server().url}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

    // Assert
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('answers 401 naming the expected form when Authorization holds the key without Bearer', async () => {
    // Act
    const res = await fetch(`${server().url}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        Authorization: key,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

    // Assert
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: 'unauthorized',
      message: "Authorization header must be 'Bearer <key>'",
    });
  });

  it('refuses a write with a tool error when the key can only read (Bearer)', async () => {
    // Arrange
    const created = await fetch(`${server().url}/api/v1/keys`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'mcp reader', permissions: ['read'] }),
    });
    const { api_key: readKey } = (await created.json()) as { api_key: string };
    const client = new Client({ name: 'memtrace-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server().url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${readKey}` } },
      }),
    );

    // Act
    const write = (await client.callTool({
      name: 'memtrace_remember',
      arguments: { agent_id: 'mcp_reader', content: 'nope' },
    })) as TextResult;
    const forget = (await client.callTool({
      name: 'memtrace_forget',
      arguments: { agent_id: 'mcp_reader', dry_run: true },
    })) as TextResult;
    const read = (await client.callTool({
      name: 'memtrace_recall',
      arguments: { agent_id: 'mcp_reader' },
    })) as TextResult;
    await client.close();

    // Assert
    expect(write.isError).toBe(true);
    expect(write.content[0]?.text).toMatch(/permission|forbidden|write/i);
    expect(forget.isError).toBe(true);
    expect(forget.content[0]?.text).toMatch(/permission|forbidden|write/i);
    expect(read.isError ?? false).toBe(false);
    expect(JSON.parse(read.content[0]?.text ?? '{}')).toMatchObject({ memories: [], count: 0 });
  });

  it('refuses all: true with a tool error naming admin when the key can read and write only', async () => {
    // Arrange
    const created = await fetch(`${server().url}/api/v1/keys`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'mcp writer', permissions: ['read', 'write'] }),
    });
    const { api_key: writeKey } = (await created.json()) as { api_key: string };
    const client = new Client({ name: 'memtrace-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server().url}/mcp`), {
        requestInit: { headers: { 'x-api-key': writeKey } },
      }),
    );
    await client.callTool({
      name: 'memtrace_remember',
      arguments: { agent_id: 'mcp_writer', content: 'not to be wiped' },
    });

    // Act
    const all = (await client.callTool({
      name: 'memtrace_forget',
      arguments: { all: true },
    })) as TextResult;
    const read = (await client.callTool({
      name: 'memtrace_recall',
      arguments: { agent_id: 'mcp_writer' },
    })) as TextResult;
    await client.close();

    // Assert
    expect(all.isError).toBe(true);
    expect(all.content[0]?.text).toMatch(/admin/);
    expect(JSON.parse(read.content[0]?.text ?? '{}')).toMatchObject({ count: 1 });
  });

  it('answers 405 when asked for a standalone event stream', async () => {
    // Act
    const res = await fetch(`${server().url}/mcp`, {
      headers: { 'x-api-key': key, Accept: 'text/event-stream' },
    });

    // Assert
    expect(res.status).toBe(405);
  });
});

describe('runMcpStdio', () => {
  it('exits 1 with a one-line message when MEMTRACE_API_KEY is missing', async () => {
    // Act
    const error = await run(process.execPath, MCP_MAIN, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    }).catch((e: { code: number; stderr: string }) => e);

    // Assert
    expect(error).toMatchObject({ code: 1 });
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toBe(
      'memtrace mcp: MEMTRACE_API_KEY is required (an mtk_... key of the server)\n',
    );
  });
});
