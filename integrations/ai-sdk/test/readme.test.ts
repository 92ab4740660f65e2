import path from 'node:path';
import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { runExample, tsBlocks } from '../../../test/support/readme-example.js';

const server = useListeningApp();
const blocks = tsBlocks(path.join(import.meta.dirname, '../README.md'), '## Example');

it('runs the README example as written, the model aside, against a server', async () => {
  // Arrange: only the server's address and the model (no network) are filled in
  expect(blocks).toHaveLength(1);
  const code = (blocks[0] as string)
    .replace("from '@ai-sdk/openai'", `from '${path.join(import.meta.dirname, 'readme-model.js')}'`)
    .replaceAll('http://localhost:9100', server().url);

  // Act
  const printed = await runExample(code, import.meta.dirname, server().t.adminKey);

  // Assert: the model called both tools; the memory is in the server, in the example's session
  expect(printed).toBe(
    "[ 'remember', 'search' ]\n" +
      'From memory: The customer wants to be contacted by email, never by phone\n',
  );
  const client = new Memtrace(server().url, server().t.adminKey);
  const [memory] = (await client.listMemories({ agent_id: 'support_bot' })).memories;
  expect(memory).toMatchObject({
    content: 'The customer wants to be contacted by email, never by phone',
    memory_type: 'entity',
  });
  const sessions = await client.listSessions('support_bot');
  expect(sessions.sessions.map((s) => s.session_id)).toEqual([memory?.session_id]);
});
