import path from 'node:path';
import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { setDefaultModelProvider } from '@openai/agents';
import { expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { runExample, tsBlocks } from '../../../test/support/readme-example.js';
import { StubModel, StubModelProvider } from './stub-model.js';

const server = useListeningApp();
const blocks = tsBlocks(path.join(import.meta.dirname, '../README.md'), '## Example');

it('runs the README example as written against a server, the default model a stub', async () => {
  // Arrange: only the server's address is filled in; the SDK's default model is the stub
  expect(blocks).toHaveLength(1);
  const code = (blocks[0] as string).replaceAll('http://localhost:9100', server().url);
  const model = new StubModel([
    () => [
      {
        tool: 'remember',
        input: {
          content: 'The traveller only takes a window seat',
          memory_type: 'entity',
          importance: 0.9,
          tags: null,
        },
      },
    ],
    () => [{ tool: 'search', input: { query: 'seat', memory_type: null, since: null, limit: 1 } }],
    (outputs) => {
      const { results } = outputs.search as { results: { content: string }[] };
      return `Booking a window seat: ${results[0]?.content}`;
    },
  ]);
  setDefaultModelProvider(new StubModelProvider(model));

  // Act
  const printed = await runExample(code, import.meta.dirname, server().t.adminKey);

  // Assert: the model called both tools; the memory is in the server, in the example's session
  expect(printed).toBe(
    "[ 'remember', 'search' ]\n" +
      'Booking a window seat: The traveller only takes a window seat\n',
  );
  expect(model.requests[0]?.systemInstructions).toContain('remember');
  const client = new Memtrace(server().url, server().t.adminKey);
  const [memory] = (await client.listMemories({ agent_id: 'travel_agent' })).memories;
  expect(memory).toMatchObject({
    content: 'The traveller only takes a window seat',
    importance: 0.9,
  });
  const sessions = await client.listSessions('travel_agent');
  expect(sessions.sessions.map((s) => s.session_id)).toEqual([memory?.session_id]);
});
