import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { ToolMessage } from '@langchain/core/messages';
import { MemtraceRetriever, MemtraceStore, memtraceTools } from '@memtrace/langchain';
import { beforeAll, describe, expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { answeringModel, runTools, toolCallingModel } from './fake-models.js';

/**
 * The LangChain integration against a real memtrace server on 127.0.0.1: the tools called by
 * LangChain's fake chat models, the retriever, and the key-value store.
 */

const server = useListeningApp();
let client: Memtrace;

beforeAll(() => {
  client = new Memtrace(server().url, server().t.adminKey);
});

/** The JSON answers of the conversation's tool messages, by tool name. */
function toolAnswers(messages: unknown[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const m of messages) {
    if (m instanceof ToolMessage) answers[m.name as string] = JSON.parse(m.content as string);
  }
  return answers;
}

describe('memtraceTools called by a fake chat model', () => {
  it('stores what the model remembers, in the session given', async () => {
    // Arrange
    const tools = memtraceTools(client, { agentId: 'lc_remember', sessionId: 'sess_lc_1' });
    const models = [
      toolCallingModel([
        {
          tool: 'remember',
          args: { content: 'The user writes in French', memory_type: 'entity', tags: ['lang'] },
        },
      ]),
      answeringModel('Noted.'),
    ];

    // Act
    const messages = await runTools(models, tools, 'I write in French.');

    // Assert
    const stored = await client.listMemories({ agent_id: 'lc_remember' });
    expect(stored.memories.map((m) => [m.content, m.memory_type, m.session_id, m.tags])).toEqual([
      ['The user writes in French', 'entity', 'sess_lc_1', ['lang']],
    ]);
    expect(toolAnswers(messages).remember).toMatchObject({
      stored: true,
      memory: { memory_id: stored.memories[0]?.memory_id },
    });
    expect(messages.at(-1)?.content).toBe('Noted.');
  });

  it('searches, recalls and reads the session context the server holds', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'lc_read', session_id: 'sess_lc_read', content: 'Invoice 1042 was paid' },
      {
        agent_id: 'lc_read',
        session_id: 'sess_lc_read',
        content: 'Refund of invoice 2077 approved',
        memory_type: 'decision',
      },
      { agent_id: 'lc_other', content: 'Refund of invoice 9999 for another agent' },
    ]);
    const tools = memtraceTools(client, { agentId: 'lc_read', sessionId: 'sess_lc_read' });
    const models = [
      toolCallingModel([
        { tool: 'search', args: { query: 'invoice refund' } },
        { tool: 'recall', args: { memory_type: 'decision' } },
        { tool: 'sessionContext', args: { max_tokens: 400 } },
      ]),
      answeringModel('done'),
    ];

    // Act
    const answers = toolAnswers(await runTools(models, tools, 'What about refunds?'));

    // Assert
    const ranked = await client.searchMemories({ agent_id: 'lc_read', query: 'invoice refund' });
    expect(ranked.results.map((m) => m.content)).toEqual(['Refund of invoice 2077 approved']);
    expect(answers.search).toEqual({
      results: [expect.objectContaining({ content: 'Refund of invoice 2077 approved' })],
    });
    expect((answers.search as { results: { score: number }[] }).results[0]?.score).toBe(
      ranked.results[0]?.score,
    );
    expect(answers.recall).toEqual({
      memories: [expect.objectContaining({ content: 'Refund of invoice 2077 approved' })],
    });
    const context = await client.getSessionContext('sess_lc_read', { max_tokens: 400 });
    expect(answers.sessionContext).toMatchObject({
      context: context.context,
      tokens: context.tokens,
      memory_count: 2,
    });
  });
});

describe('MemtraceRetriever', () => {
  beforeAll(async () => {
    await client.addMemories([
      { agent_id: 'lc_docs', content: 'The quarterly report is due on March 3', tags: ['report'] },
      { agent_id: 'lc_docs', content: 'The quarterly report needs charts and a quarterly summary' },
      { agent_id: 'lc_docs', content: 'Lunch is at noon' },
      { agent_id: 'lc_docs_other', content: 'Another quarterly report of another agent' },
    ]);
  });

  it('returns the agent’s memories matching the query as documents, best first, with their score', async () => {
    // Arrange
    const retriever = new MemtraceRetriever({ client, agentId: 'lc_docs' });

    // Act
    const docs = await retriever.invoke('quarterly report');

    // Assert
    const ranked = await client.searchMemories({ agent_id: 'lc_docs', query: 'quarterly report' });
    expect(docs.map((d) => [d.id, d.pageContent, d.metadata.score])).toEqual(
      ranked.results.map((m) => [m.memory_id, m.content, m.score]),
    );
    expect(docs).toHaveLength(2);
    expect(docs[0]?.metadata.score).toBeGreaterThanOrEqual(docs[1]?.metadata.score as number);
    expect(docs.find((d) => d.pageContent.includes('March'))?.metadata).toMatchObject({
      agent_id: 'lc_docs',
      memory_type: 'episodic',
      tags: ['report'],
    });
  });

  it('returns at most k documents, with the filters given', async () => {
    // Arrange
    const topOne = new MemtraceRetriever({ client, agentId: 'lc_docs', k: 1 });
    const tagged = new MemtraceRetriever({
      client,
      agentId: 'lc_docs',
      filter: { tags: ['report'] },
    });

    // Act
    const [top, onlyTagged] = await Promise.all([
      topOne.invoke('quarterly report'),
      tagged.invoke('quarterly'),
    ]);

    // Assert
    expect(top).toHaveLength(1);
    expect(onlyTagged.map((d) => d.pageContent)).toEqual([
      'The quarterly report is due on March 3',
    ]);
  });
});

describe('MemtraceStore', () => {
  const store = () => new MemtraceStore(client, { agentId: 'lc_kv', namespace: 'profile' });

  it('gives back what was set, text, JSON and bytes alike, and nothing for unknown keys', async () => {
    // Arrange
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);

    // Act
    await store().mset([
      ['user:1', 'Ada Lovelace'],
      ['user:2', { name: 'Grace', langs: ['en', 'fr'] }],
      ['blob', bytes],
      ['empty', ''],
      ['nobytes', new Uint8Array()],
    ]);
    const values = await store().mget(['user:1', 'user:2', 'blob', 'empty', 'nobytes', 'nope']);

    // Assert
    expect(values).toEqual([
      'Ada Lovelace',
      { name: 'Grace', langs: ['en', 'fr'] },
      bytes,
      '',
      new Uint8Array(),
      undefined,
    ]);
  });

  it('keeps one memory per key: a new value replaces the old one, even a value seen before', async () => {
    // Arrange
    const kv = new MemtraceStore<string>(client, { agentId: 'lc_kv_replace' });

    // Act
    await kv.mset([['city', 'Paris']]);
    await kv.mset([['city', 'Lyon']]);
    await kv.mset([['city', 'Paris']]);

    // Assert
    expect(await kv.mget(['city'])).toEqual(['Paris']);
    const memories = await client.listMemories({ agent_id: 'lc_kv_replace' });
    expect(memories.memories.map((m) => [m.content, m.memory_type, m.event_type])).toEqual([
      ['Paris', 'entity', 'kv_entry'],
    ]);
  });

  it('deletes keys, and lists the keys of its namespace only, by prefix', async () => {
    // Arrange
    const a = new MemtraceStore(client, { agentId: 'lc_kv_keys', namespace: 'a' });
    const b = new MemtraceStore(client, { agentId: 'lc_kv_keys', namespace: 'b' });
    await a.mset([
      ['doc:1', 'one'],
      ['doc:2', 'two'],
      ['img:1', 'three'],
    ]);
    await b.mset([['doc:9', 'other namespace']]);

    // Act
    await a.mdelete(['doc:2']);
    const keys: string[] = [];
    for await (const key of a.yieldKeys()) keys.push(key);
    const docs: string[] = [];
    for await (const key of a.yieldKeys('doc:')) docs.push(key);

    // Assert
    expect(keys.sort()).toEqual(['doc:1', 'img:1']);
    expect(docs).toEqual(['doc:1']);
    expect(await a.mget(['doc:2', 'doc:9'])).toEqual([undefined, undefined]);
    expect(await b.mget(['doc:9'])).toEqual(['other namespace']);
  });

  it('holds its entries as memories the agent can search', async () => {
    // Arrange
    await store().mset([['note', 'The launch moved to Tuesday']]);

    // Act
    const found = await client.searchMemories({ agent_id: 'lc_kv', query: 'launch Tuesday' });

    // Assert
    expect(found.results.map((m) => [m.content, m.metadata])).toEqual([
      [
        'The launch moved to Tuesday',
        { kv_namespace: 'profile', kv_key: 'note', kv_encoding: 'text' },
      ],
    ]);
  });
});
