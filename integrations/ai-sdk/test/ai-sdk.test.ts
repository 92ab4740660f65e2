import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { memtraceTools } from '@memtrace/ai-sdk';
import { generateText, stepCountIs } from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { scriptedModel } from './scripted-model.js';

/**
 * The AI SDK tools driven by generateText with the SDK's mock language model, against a real
 * memtrace server on 127.0.0.1: what the model asks to remember lands in the server, and what it
 * recalls, searches and reads as context comes from it.
 */

const server = useListeningApp();
let client: Memtrace;

beforeAll(() => {
  client = new Memtrace(server().url, server().t.adminKey);
});

describe('memtraceTools with generateText', () => {
  it('stores what the model remembers in the server, in the session given', async () => {
    // Arrange
    const tools = memtraceTools(client, { agentId: 'ai_remember', sessionId: 'sess_ai_1' });
    const model = scriptedModel([
      () => [
        {
          tool: 'remember',
          input: {
            content: 'The customer prefers email over phone',
            memory_type: 'entity',
            importance: 0.8,
            tags: ['preferences'],
          },
        },
      ],
      (outputs) => `Noted: ${JSON.stringify(outputs.remember)}`,
    ]);

    // Act
    const result = await generateText({
      model,
      tools,
      stopWhen: stepCountIs(3),
      prompt: 'Remember that the customer prefers email.',
    });

    // Assert
    const stored = await client.listMemories({ agent_id: 'ai_remember' });
    expect(stored.memories.map((m) => [m.content, m.memory_type, m.session_id, m.tags])).toEqual([
      ['The customer prefers email over phone', 'entity', 'sess_ai_1', ['preferences']],
    ]);
    expect(stored.memories[0]?.importance).toBe(0.8);
    const output = result.steps[0]?.toolResults[0]?.output;
    expect(output).toMatchObject({
      stored: true,
      memory: { memory_id: stored.memories[0]?.memory_id },
    });
    expect(result.text).toContain(stored.memories[0]?.memory_id as string);
  });

  it('answers a repeated memory with the stored one instead of a second copy', async () => {
    // Arrange
    const tools = memtraceTools(client, { agentId: 'ai_dup', sessionId: 'sess_ai_dup' });
    const first = await client.addMemory({
      agent_id: 'ai_dup',
      session_id: 'sess_ai_dup',
      content: 'Deploys go out on Thursday',
    });
    const model = scriptedModel([
      () => [{ tool: 'remember', input: { content: 'Deploys go out on Thursday' } }],
      () => 'done',
    ]);

    // Act
    const result = await generateText({ model, tools, stopWhen: stepCountIs(3), prompt: 'x' });

    // Assert
    expect(result.steps[0]?.toolResults[0]?.output).toEqual({
      stored: false,
      duplicate_of: first.memory_id,
    });
    expect((await client.listMemories({ agent_id: 'ai_dup' })).memories).toHaveLength(1);
  });

  it('recalls and searches the memories the server holds for the agent, and only those', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'ai_read', content: 'Invoice 1042 was paid by bank transfer' },
      { agent_id: 'ai_read', content: 'The customer asked for a refund of invoice 2077' },
      { agent_id: 'ai_read', content: 'Shipping address changed to Lyon', memory_type: 'entity' },
      { agent_id: 'ai_other', content: 'Invoice 9999 belongs to another agent' },
    ]);
    const tools = memtraceTools(client, { agentId: 'ai_read' });
    const model = scriptedModel([
      () => [
        { tool: 'search', input: { query: 'invoice refund' } },
        { tool: 'recall', input: { memory_type: 'entity' } },
      ],
      (outputs) => {
        const found = outputs.search as { results: { content: string }[] };
        const recalled = outputs.recall as { memories: { content: string }[] };
        return [...found.results, ...recalled.memories].map((m) => m.content).join('\n');
      },
    ]);

    // Act
    const result = await generateText({
      model,
      tools,
      stopWhen: stepCountIs(3),
      prompt: 'What do we know about refunds and the address?',
    });

    // Assert: the model's answer is built from what the tools returned
    expect(result.text).toBe(
      'The customer asked for a refund of invoice 2077\nShipping address changed to Lyon',
    );
    const search = result.steps[0]?.toolResults.find((r) => r.toolName === 'search')?.output as {
      results: { memory_id: string; score: number }[];
    };
    const ranked = await client.searchMemories({ agent_id: 'ai_read', query: 'invoice refund' });
    expect(search.results.map((r) => [r.memory_id, r.score])).toEqual(
      ranked.results.map((r) => [r.memory_id, r.score]),
    );
    expect(search.results[0]?.score).toBeGreaterThan(0);
  });

  it('gives the session context the server computes, within the token budget asked', async () => {
    // Arrange
    await client.addMemories([
      { agent_id: 'ai_ctx', session_id: 'sess_ai_ctx', content: 'Opened ticket 17 about login' },
      {
        agent_id: 'ai_ctx',
        session_id: 'sess_ai_ctx',
        content: 'Chose to reset the password',
        memory_type: 'decision',
      },
    ]);
    const tools = memtraceTools(client, { agentId: 'ai_ctx', sessionId: 'sess_ai_ctx' });
    const model = scriptedModel([
      () => [{ tool: 'sessionContext', input: { max_tokens: 500 } }],
      (outputs) => (outputs.sessionContext as { context: string }).context,
    ]);

    // Act
    const result = await generateText({ model, tools, stopWhen: stepCountIs(3), prompt: 'x' });

    // Assert
    const expected = await client.getSessionContext('sess_ai_ctx', { max_tokens: 500 });
    expect(result.text).toBe(expected.context);
    expect(result.text).toContain('- Chose to reset the password');
    expect(result.steps[0]?.toolResults[0]?.output).toMatchObject({
      session_id: 'sess_ai_ctx',
      tokens: expected.tokens,
      memory_count: 2,
      truncated: false,
    });
  });

  it('reports to the model, as a tool error, a session context asked for without a session', async () => {
    // Arrange
    const tools = memtraceTools(client, { agentId: 'ai_nosession' });
    const model = scriptedModel([
      () => [{ tool: 'sessionContext', input: {} }],
      (outputs) => String(outputs.sessionContext),
    ]);

    // Act
    const result = await generateText({ model, tools, stopWhen: stepCountIs(3), prompt: 'x' });

    // Assert
    expect(result.text).toContain('sessionContext needs a session');
  });

  it('refuses tags the server would refuse before anything is written', async () => {
    // Arrange
    const tools = memtraceTools(client, { agentId: 'ai_badtags' });
    const model = scriptedModel([
      () => [{ tool: 'remember', input: { content: 'x', tags: ['has space'] } }],
      () => 'done',
    ]);

    // Act
    const result = await generateText({ model, tools, stopWhen: stepCountIs(3), prompt: 'x' });

    // Assert
    const error = result.steps[0]?.content.find((c) => c.type === 'tool-error');
    expect(error).toBeDefined();
    expect((await client.listMemories({ agent_id: 'ai_badtags' })).memories).toEqual([]);
  });
});
