import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  Memtrace,
  MemtraceError,
  NotFoundError,
  PermissionError,
  ValidationError,
} from '../../sdk/typescript/src/index.js';
import { aBootstrapKey, freePort } from '../support/server-process.js';
import { useServerProcess } from '../support/use-server.js';

/** Every method of the TypeScript SDK against a real server process on 127.0.0.1. */

const key = aBootstrapKey();
const server = useServerProcess(() => ({
  MEMTRACE_STORAGE_DRIVER: 'memory',
  MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
}));
let client: Memtrace;

beforeAll(async () => {
  client = new Memtrace(`${server().url}/`, key, { timeout: 10_000 });
});

describe('Memtrace.remember', () => {
  it('stores an episodic general memory that recall returns when written', async () => {
    // Act
    const memory = await client.remember('ts_recall', 'Crawled https://example.com');
    const recalled = await client.recall('ts_recall');

    // Assert
    expect(memory).toMatchObject({ memory_type: 'episodic', event_type: 'general' });
    expect(memory.memory_id).toMatch(/^mem_[0-9a-f]{24}$/);
    expect(recalled.map((m) => m.memory_id)).toEqual([memory.memory_id]);
  });
});

describe('Memtrace.decide', () => {
  it('stores a decision with metadata.reasoning when called', async () => {
    // Act
    const memory = await client.decide('ts_decide', 'Focus on A', 'Higher engagement');

    // Assert
    expect(memory).toMatchObject({
      memory_type: 'decision',
      event_type: 'decision',
      content: 'Focus on A',
      metadata: { reasoning: 'Higher engagement' },
    });
  });
});

describe('Memtrace.addMemory', () => {
  it('throws ConflictError with the stored memoryId when the memory is a duplicate', async () => {
    // Arrange
    const first = await client.addMemory({ agent_id: 'ts_dup', content: 'same' });

    // Act
    const error = await client.addMemory({ agent_id: 'ts_dup', content: 'same' }).catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ statusCode: 409, code: 'conflict', memoryId: first.memory_id });
  });

  it('throws ValidationError naming the field when agent_id is missing', async () => {
    // Act
    const error = await client
      .addMemory({ content: 'x' } as unknown as { agent_id: string; content: string })
      .catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^agent_id /);
  });
});

describe('Memtrace.addMemories', () => {
  it('stores a batch and addMemoriesBatch reports duplicates when repeated', async () => {
    // Arrange
    const items = [
      { agent_id: 'ts_batch', content: 'one', tags: ['t1'] },
      { agent_id: 'ts_batch', content: 'two', importance: 0.9 },
    ];

    // Act
    const stored = await client.addMemories(items);
    const again = await client.addMemoriesBatch(items);

    // Assert
    expect(stored.map((m) => m.content)).toEqual(['one', 'two']);
    expect(again).toMatchObject({ count: 0, duplicates: 2 });
    expect(again.duplicate_of.map((d) => d.memory_id)).toEqual(stored.map((m) => m.memory_id));
  });
});

describe('Memtrace.listMemories', () => {
  it('filters by agent, tags and order when given them', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'ts_list', content: 'a', tags: ['x', 'y'] },
      { agent_id: 'ts_list', content: 'b', tags: ['x'] },
    ]);

    // Act
    const tagged = await client.listMemories({ agent_id: 'ts_list', tags: ['x', 'y'] });
    const asc = await client.listMemories({ agent_id: 'ts_list', order: 'asc', limit: 1 });

    // Assert
    expect(tagged.memories.map((m) => m.content)).toEqual(['a']);
    expect(asc.has_more).toBe(true);
    expect(asc.memories.map((m) => m.content)).toEqual(['a']);
  });
});

describe('Memtrace iterators', () => {
  it('yields every memory once along next_cursor while memories are written and deleted', async () => {
    // Arrange: one batch, so all share one instant
    const stored = await client.addMemories(
      Array.from({ length: 23 }, (_, i) => ({
        agent_id: 'ts_iter',
        content: `m${i}`,
        tags: ['it'],
      })),
    );
    const initial = stored.map((m) => m.memory_id);
    const deleted = new Set<string>();

    // Act
    const seen: string[] = [];
    for await (const m of client.iterateMemories({ agent_id: 'ts_iter', limit: 4, order: 'asc' })) {
      seen.push(m.memory_id);
      if (seen.length % 4 === 0) {
        await client.addMemory({ agent_id: 'ts_iter', content: `late ${seen.length}` });
        const victim = initial.find((id) => !seen.includes(id) && !deleted.has(id));
        if (victim !== undefined && seen.length % 8 === 0) {
          await fetch(`${server().url}/api/v1/memories/${victim}`, {
            method: 'DELETE',
            headers: { 'x-api-key': key },
          });
          deleted.add(victim);
        }
      }
    }
    const searched: string[] = [];
    for await (const m of client.iterateSearch({ agent_id: 'ts_iter', tags: ['it'], limit: 5 })) {
      searched.push(m.memory_id);
    }

    // Assert
    expect(new Set(seen).size).toBe(seen.length);
    expect(initial.filter((id) => !deleted.has(id) && !seen.includes(id))).toEqual([]);
    expect(searched.sort()).toEqual(initial.filter((id) => !deleted.has(id)).sort());
  });

  it('yields every session and agent once along next_cursor', async () => {
    // Arrange
    for (let i = 0; i < 5; i++) {
      await client.createSession({ agent_id: 'ts_iter_sessions' });
      await client.registerAgent({ name: `ts_iter_agent_${i}` });
    }

    // Act
    const sessions: string[] = [];
    for await (const s of client.iterateSessions({ agent_id: 'ts_iter_sessions', limit: 2 })) {
      sessions.push(s.session_id);
    }
    const agents: string[] = [];
    for await (const a of client.iterateAgents(2)) agents.push(a.name);

    // Assert
    expect(new Set(sessions).size).toBe(5);
    expect(agents.filter((n) => n.startsWith('ts_iter_agent_')).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `ts_iter_agent_${i}`),
    );
  });
});

describe('Memtrace.getMemory', () => {
  it('returns the memory when given its id, NotFoundError when unknown', async () => {
    // Arrange
    const memory = await client.remember('ts_get', 'find me');

    // Act
    const found = await client.getMemory(memory.memory_id);
    const error = await client.getMemory('mem_000000000000000000000000').catch((e) => e);

    // Assert
    expect(found).toEqual(memory);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('Memtrace.deleteMemory', () => {
  it('deletes the memory so getMemory no longer finds it, NotFoundError when unknown', async () => {
    // Arrange
    const memory = await client.remember('ts_delete', 'forget me');

    // Act
    const answer = await client.deleteMemory(memory.memory_id);
    const gone = await client.getMemory(memory.memory_id).catch((e) => e);
    const again = await client.deleteMemory(memory.memory_id).catch((e) => e);

    // Assert
    expect(answer).toBeUndefined();
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(again).toBeInstanceOf(NotFoundError);
  });
});

describe('Memtrace.forget', () => {
  it('counts on a dry run, then deletes what the filters match and only that', async () => {
    // Arrange
    const kept = await client.addMemory({ agent_id: 'ts_forget', content: 'keep' });
    await client.addMemories([
      { agent_id: 'ts_forget', content: 'drop 1', tags: ['drop'] },
      { agent_id: 'ts_forget', content: 'drop 2', tags: ['drop'] },
    ]);

    // Act
    const dry = await client.forget({ agent_id: 'ts_forget', tags: ['drop'], dry_run: true });
    const forgotten = await client.forget({ agent_id: 'ts_forget', tags: ['drop'] });
    const left = await client.listMemories({ agent_id: 'ts_forget' });
    const byId = await client.forget({ ids: [kept.memory_id] });

    // Assert
    expect(dry).toEqual({ would_delete: 2, dry_run: true });
    expect(forgotten).toEqual({ deleted: 2 });
    expect(left.memories.map((m) => m.memory_id)).toEqual([kept.memory_id]);
    expect(byId).toEqual({ deleted: 1 });
  });

  it('throws ValidationError without a filter and PermissionError for all without admin', async () => {
    // Arrange
    await client.remember('ts_forget_all', 'survives');
    const issued = await client.createKey({ name: 'ts_writer', permissions: ['read', 'write'] });
    const writer = new Memtrace(server().url, issued.api_key);

    // Act
    const empty = await client.forget({}).catch((e) => e);
    const all = await writer.forget({ all: true }).catch((e) => e);

    // Assert
    expect(empty).toBeInstanceOf(ValidationError);
    expect(all).toBeInstanceOf(PermissionError);
    expect((await client.recall('ts_forget_all')).length).toBe(1);
  });
});

describe('Memtrace corrections', () => {
  it('supersedes a memory on addMemory, patches with updateMemory and reads the chain with history', async () => {
    // Arrange
    const old = await client.addMemory({
      agent_id: 'ts_fix',
      content: 'deploys on Friday',
      ttl: '7d',
    });

    // Act
    const fix = await client.addMemory({
      agent_id: 'ts_fix',
      content: 'deploys on Thursday',
      supersedes: old.memory_id,
    });
    const patched = await client.updateMemory(fix.memory_id, {
      importance: 0.9,
      metadata: { reviewed: true },
      pinned: true,
    });
    const chain = await client.history(fix.memory_id);
    const current = await client.listMemories({ agent_id: 'ts_fix' });
    const every = await client.listMemories({ agent_id: 'ts_fix', include_superseded: true });
    const immutable = await client
      .updateMemory(fix.memory_id, { content: 'x' } as never)
      .catch((e) => e);
    const unknown = await client.history('mem_000000000000000000000000').catch((e) => e);

    // Assert
    expect(patched).toMatchObject({
      memory_id: fix.memory_id,
      importance: 0.9,
      metadata: { reviewed: true },
      pinned: true,
      expires_at: null,
      supersedes: old.memory_id,
    });
    expect(chain.map((m) => m.content)).toEqual(['deploys on Friday', 'deploys on Thursday']);
    expect(chain[0]?.superseded_by).toBe(fix.memory_id);
    expect(current.memories.map((m) => m.content)).toEqual(['deploys on Thursday']);
    expect(every.count).toBe(2);
    expect(immutable).toBeInstanceOf(ValidationError);
    expect(unknown).toBeInstanceOf(NotFoundError);
  });
});

describe('Memtrace.searchMemories', () => {
  it('finds by content and importance when given a query', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'ts_search', content: 'needle high', importance: 0.8 },
      { agent_id: 'ts_search', content: 'needle low', importance: 0.1 },
    ]);

    // Act
    const found = await client.searchMemories({
      agent_id: 'ts_search',
      content_contains: 'needle',
      min_importance: 0.5,
    });

    // Assert
    expect(found.results.map((m) => m.content)).toEqual(['needle high']);
    expect(found.count).toBe(1);
    expect(typeof found.query_time_ms).toBe('number');
  });
});

describe('Memtrace keyword search', () => {
  it('ranks by query with scores, lists the same with q, and pages every match once', async () => {
    // Arrange
    const agent = 'ts_query';
    const [short, long] = await client.addMemories([
      { agent_id: agent, content: 'lease renewal' },
      { agent_id: agent, content: 'the office lease ends in spring, ask about renewal' },
      { agent_id: agent, content: 'printer out of toner' },
      ...Array.from({ length: 7 }, (_, i) => ({ agent_id: agent, content: `lease note ${i}` })),
    ]);

    // Act
    const found = await client.searchMemories({ agent_id: agent, query: 'lease renew*' });
    const listed = await client.listMemories({ agent_id: agent, q: 'lease renew*' });
    const plain = await client.searchMemories({ agent_id: agent, limit: 1 });
    const paged: string[] = [];
    for await (const m of client.iterateSearch({ agent_id: agent, query: 'lease', limit: 3 })) {
      expect(m.score).toBeGreaterThan(0);
      paged.push(m.memory_id);
    }
    const refused = client.searchMemories({ order: 'relevance' });

    // Assert
    expect(found.results.map((m) => m.memory_id)).toEqual([short?.memory_id, long?.memory_id]);
    expect(found.results[0]?.score).toBeGreaterThan(found.results[1]?.score ?? Infinity);
    expect(listed.memories).toEqual(found.results);
    expect(plain.results[0]).not.toHaveProperty('score');
    expect(new Set(paged).size).toBe(9);
    expect(paged).toHaveLength(9);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('Memtrace agents', () => {
  it('registers, gets by name, lists, counts and deletes an agent', async () => {
    // Arrange
    const agent = await client.registerAgent({
      name: 'ts_agent',
      description: 'Crawls',
      config: { max_depth: 3 },
    });
    await client.remember('ts_agent', 'did something');

    // Act
    const byName = await client.getAgent('ts_agent');
    const listed = await client.listAgents({ limit: 100 });
    const stats = await client.getAgentStats('ts_agent');
    const memories = await client.getAgentMemories(agent.agent_id, { since: '1h' });
    const deleted = await client.deleteAgent(agent.agent_id);
    const gone = await client.getAgent(agent.agent_id).catch((e) => e);

    // Assert
    expect(agent.agent_id).toMatch(/^agent_/);
    expect(byName).toEqual(agent);
    expect(listed.agents.map((a) => a.agent_id)).toContain(agent.agent_id);
    expect(stats).toMatchObject({ agent_id: 'ts_agent', memory_count: 1 });
    expect(memories.memories.map((m) => m.content)).toEqual(['did something']);
    expect(deleted).toBeUndefined();
    expect(gone).toBeInstanceOf(NotFoundError);
  });

  it('deletes the agent with its memories and sessions and returns the counts when cascading', async () => {
    // Arrange
    const agent = await client.registerAgent({ name: 'ts_cascade' });
    const session = await client.createSession({ agent_id: 'ts_cascade' });
    await client.addMemories([
      { agent_id: 'ts_cascade', session_id: session.session_id, content: 'in the session' },
      { agent_id: 'ts_cascade', content: 'outside any session' },
    ]);

    // Act
    const answer = await client.deleteAgent('ts_cascade', { cascade: true });
    const left = await client.listMemories({ agent_id: 'ts_cascade' });
    const sessionGone = await client.getSession(session.session_id).catch((e) => e);

    // Assert
    expect(answer).toEqual({
      agent_id: agent.agent_id,
      name: 'ts_cascade',
      deleted: true,
      cascade: true,
      memories_deleted: 2,
      sessions_deleted: 1,
    });
    expect(left.memories).toEqual([]);
    expect(sessionGone).toBeInstanceOf(NotFoundError);
  });

  it('keeps the memories and resolves to undefined when not cascading', async () => {
    // Arrange
    await client.registerAgent({ name: 'ts_keep' });
    await client.remember('ts_keep', 'kept');

    // Act
    const answer = await client.deleteAgent('ts_keep', { cascade: false });

    // Assert
    expect(answer).toBeUndefined();
    expect((await client.recall('ts_keep')).map((m) => m.content)).toEqual(['kept']);
  });

  it('throws ConflictError when the name is taken', async () => {
    // Arrange
    await client.registerAgent({ name: 'ts_taken' });

    // Act
    const error = await client.registerAgent({ name: 'ts_taken' }).catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(ConflictError);
  });
});

describe('Memtrace sessions', () => {
  it('creates, gets, lists, updates, reads and closes a session', async () => {
    // Arrange
    const session = await client.createSession({
      agent_id: 'ts_sess_agent',
      metadata: { task: 'research' },
    });
    await client.addMemories([
      { agent_id: 'ts_sess_agent', session_id: session.session_id, content: 'Crawled a page' },
      {
        agent_id: 'ts_sess_agent',
        session_id: session.session_id,
        memory_type: 'decision',
        content: 'Chose category A',
      },
    ]);

    // Act
    const got = await client.getSession(session.session_id);
    const byAgent = await client.listSessions('ts_sess_agent');
    const active = await client.listSessions({ status: 'active', limit: 1000 });
    const updated = await client.updateSession(session.session_id, { metadata: { step: 2 } });
    const memories = await client.getSessionMemories(session.session_id, { order: 'asc' });
    const context = await client.getSessionContext(session.session_id, {
      include_types: ['decision'],
    });
    const full = await client.getSessionContext(session.session_id);
    const closed = await client.closeSession(session.session_id);

    // Assert
    expect(got).toEqual(session);
    expect(byAgent.sessions.map((s) => s.session_id)).toEqual([session.session_id]);
    expect(active.sessions.map((s) => s.session_id)).toContain(session.session_id);
    expect(updated.metadata).toEqual({ task: 'research', step: 2 });
    expect(memories.memories.map((m) => m.content)).toEqual(['Crawled a page', 'Chose category A']);
    expect(context.context).toBe(
      `## Session Context (${session.session_id})\n\n### Decisions (1)\n- Chose category A\n`.trimEnd(),
    );
    expect(full.memory_count).toBe(2);
    expect(closed).toMatchObject({ status: 'closed' });
    expect(closed.closed_at).not.toBeNull();
  });

  it('deletes the session and its memories, NotFoundError when deleted again', async () => {
    // Arrange
    const session = await client.createSession({ agent_id: 'ts_del_sess' });
    await client.addMemory({
      agent_id: 'ts_del_sess',
      session_id: session.session_id,
      content: 'in the session',
    });
    const kept = await client.remember('ts_del_sess', 'elsewhere');

    // Act
    const answer = await client.deleteSession(session.session_id);
    const gone = await client.getSession(session.session_id).catch((e) => e);
    const again = await client.deleteSession(session.session_id).catch((e) => e);
    const left = await client.listMemories({ agent_id: 'ts_del_sess' });

    // Assert
    expect(answer).toBeUndefined();
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(again).toBeInstanceOf(NotFoundError);
    expect(left.memories.map((m) => m.memory_id)).toEqual([kept.memory_id]);
  });

  it('throws NotFoundError when the session is unknown', async () => {
    // Act
    const error = await client.getSession('sess_nope').catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ statusCode: 404, code: 'not_found' });
  });
});

describe('Memtrace keys', () => {
  it('creates a read key that can read but not write, lists it, and revokes it', async () => {
    // Arrange
    const issued = await client.createKey({ name: 'ts_reader', permissions: ['read'] });
    const reader = new Memtrace(server().url, issued.api_key);

    // Act
    const readOk = await reader.listMemories({ limit: 1 });
    const writeError = await reader.remember('ts_keys', 'nope').catch((e) => e);
    const listed = await client.listKeys();
    await client.revokeKey(issued.key_id);
    const afterRevoke = await reader.listMemories().catch((e) => e);

    // Assert
    expect(issued.api_key).toMatch(/^mtk_/);
    expect(readOk.memories).toBeInstanceOf(Array);
    expect(writeError).toBeInstanceOf(PermissionError);
    expect(listed.map((k) => k.key_id)).toContain(issued.key_id);
    expect(listed.every((k) => !('api_key' in k))).toBe(true);
    expect(afterRevoke).toBeInstanceOf(AuthenticationError);
  });
});

describe('Memtrace transport', () => {
  it('throws AuthenticationError when the key is unknown', async () => {
    // Act
    const error = await new Memtrace(server().url, 'mtk_unknown').recall('a').catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, code: 'unauthorized' });
  });

  it('throws MemtraceError with status 0 when nothing listens', async () => {
    // Arrange
    const closed = `http://127.0.0.1:${await freePort()}`;

    // Act
    const error = await new Memtrace(closed, key).recall('a').catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(MemtraceError);
    expect(error).toMatchObject({ statusCode: 0 });
  });
});
