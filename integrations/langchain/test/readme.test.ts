import path from 'node:path';
import { Memtrace } from '@basekick-labs/memtrace-sdk';
import { expect, it } from 'vitest';
import { useListeningApp } from '../../../test/support/listening-app.js';
import { runExample, tsBlocks } from '../../../test/support/readme-example.js';

const server = useListeningApp();
const blocks = tsBlocks(path.join(import.meta.dirname, '../README.md'), '## Example');

it('runs the README example as written, the chat model aside, against a server, twice', async () => {
  // Arrange: only the server's address and the chat model (no network) are filled in
  expect(blocks).toHaveLength(1);
  const code = (blocks[0] as string)
    .replace(
      "from '@langchain/openai'",
      `from '${path.join(import.meta.dirname, 'readme-model.js')}'`,
    )
    .replaceAll('http://localhost:9100', server().url);

  for (const run of [1, 2]) {
    // Act
    const printed = await runExample(code, import.meta.dirname, server().t.adminKey);

    // Assert: the stored value, the entry found by its words, the memory the model asked for
    // (the second time a duplicate)
    const retrieved =
      run === 1
        ? "[ 'The quarterly report is due on March 3' ]"
        : "[\n  'The quarterly report needs charts',\n  'The quarterly report is due on March 3'\n]";
    expect(printed).toBe(
      "[ { name: 'Ada', team: 'finance' }, undefined ]\n" +
        `${retrieved}\n` +
        `remember ${run === 1}\n`,
    );
  }
  const client = new Memtrace(server().url, server().t.adminKey);
  const memories = await client.listMemories({ agent_id: 'research_bot', order: 'asc' });
  expect(memories.memories.map((m) => m.content).sort()).toEqual([
    'The quarterly report is due on March 3',
    'The quarterly report needs charts',
    '{"name":"Ada","team":"finance"}',
  ]);
});
