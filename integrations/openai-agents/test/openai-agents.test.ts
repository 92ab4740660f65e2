import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { memtraceTools } from '@memtrace/openai-agents';
import { Agent, run } from '@openai/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { StubModel } from './stub-model.js';

/**
 * The OpenAI Agents SDK function tools, called by an Agent whose model is a stub (the SDK's Model
 * interface, scripted), against a real memtrace server on 127.0.0.1.
 */

const server = useListeningApp();
let client: Memtrace;

beforeAll(() => {
  client = new Memtrace(server().url, server().t.adminKey);
});

describe('memtraceTools in an Agent run', () => {
  it('offers the model four strict function tools, every field required and nullable', async () => {
    // Arrange
    const model = new StubModel([() => 'hello']);
    const agent = new Agent({
      name: 'Support',
      model,
      tools: memtraceTools(client, { agentId: 'oa_schema', sessionId: 'sess_oa_schema' }),
    });

    // Act
    await run(agent, 'hi');

    // Assert
    const tools = model.requests[0]?.tools ?? [];
    expect(tools.map((t) => t.name)).toEqual(['remember', 'recall', 'search', 'sessionContext']);
    const remember = tools[0] as { strict: boolean; parameters: Record<string, unknown> };
    expect(remember.strict).toBe(true);
    expect(remember.parameters).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['content', 'memory_type', 'importance', 'tags'],
    });
  });

  it('stores what the model remembers in the server, nulls read as absent', async () => {
    // Arrange
    const model = new StubModel([
      () => [
        {
          tool: 'remember',
          input: {
            content: 'The customer prefers email over phone',
            memory_type: 'entity',
            importance: null,
            tags: ['preferences'],
          },
        },
      ],
      (outputs) =>
        `Saved ${(outputs.remember as { memory: { memory_id: string } }).memory.memory_id}`,
    ]);
    const agent = new Agent({
      name: 'Support',
      model,
      tools: memtraceTools(client, { agentId: 'oa_remember', sessionId: 'sess_oa_1' }),
    });

    // Act
    const result = await run(agent, 'Remember that I prefer email.');

    // Assert
    const stored = await client.listMemories({ agent_id: 'oa_remember' });
    expect(stored.memories.map((m) => [m.content, m.memory_type, m.session_id, m.tags])).toEqual([
      ['The customer prefers email over phone', 'entity', 'sess_oa_1', ['preferences']],
    ]);
    // The server's default importance: the null was not sent
    expect(stored.memories[0]?.importance).toBe(0);
    expect(result.finalOutput).toBe(`Saved ${stored.memories[0]?.memory_id}`);
  });

  it('searches and recalls the memories the server holds for the agent', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'oa_read', content: 'Invoice 1042 was paid by bank transfer' },
      { agent_id: 'oa_read', content: 'The customer asked for a refund of invoice 2077' },
      { agent_id: 'oa_read', content: 'Shipping address changed to Lyon', memory_type: 'entity' },
      { agent_id: 'oa_other', content: 'A refund of invoice 9999 for another agent' },
    ]);
    const nulls = { memory_type: null, since: null, limit: null };
    const model = new StubModel([
      () => [
        { tool: 'search', input: { ...nulls, query: 'invoice refund' } },
        { tool: 'recall', input: { ...nulls, memory_type: 'entity', tags: null } },
      ],
      (outputs) => {
        const found = outputs.search as { results: { content: string; score: number }[] };
        const recalled = outputs.recall as { memories: { content: string }[] };
        return [...found.results, ...recalled.memories].map((m) => m.content).join('\n');
      },
    ]);
    const agent = new Agent({
      name: 'Support',
      model,
      tools: memtraceTools(client, { agentId: 'oa_read' }),
    });

    // Act
    const result = await run(agent, 'What about refunds and the address?');

    // Assert
    expect(result.finalOutput).toBe(
      'The customer asked for a refund of invoice 2077\nShipping address changed to Lyon',
    );
  });

  it('gives the session context the server computes', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'oa_ctx', session_id: 'sess_oa_ctx', content: 'Opened ticket 17 about login' },
      {
        agent_id: 'oa_ctx',
        session_id: 'sess_oa_ctx',
        content: 'Chose to reset the password',
        memory_type: 'decision',
      },
    ]);
    const model = new StubModel([
      () => [{ tool: 'sessionContext', input: { max_tokens: 300, query: null, since: null } }],
      (outputs) => (outputs.sessionContext as { context: string }).context,
    ]);
    const agent = new Agent({
      name: 'Support',
      model,
      tools: memtraceTools(client, { agentId: 'oa_ctx', sessionId: 'sess_oa_ctx' }),
    });

    // Act
    const result = await run(agent, 'Where are we?');

    // Assert
    const expected = await client.getSessionContext('sess_oa_ctx', { max_tokens: 300 });
    expect(result.finalOutput).toBe(expected.context);
    expect(result.finalOutput).toContain('- Opened ticket 17 about login');
  });

  it('tells the model, not the caller, when the server refuses a call', async () => {
    // Arrange: a `since` the server rejects
    const model = new StubModel([
      () => [
        {
          tool: 'recall',
          input: { since: 'yesterday', memory_type: null, tags: null, limit: null },
        },
      ],
      (outputs) => String(outputs.recall),
    ]);
    const agent = new Agent({
      name: 'Support',
      model,
      tools: memtraceTools(client, { agentId: 'oa_error' }),
    });

    // Act
    const result = await run(agent, 'x');

    // Assert: the SDK's default error handling hands the server's message to the model
    expect(result.finalOutput).toMatch(/since/);
  });
});
