import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { aBootstrapKey } from '../support/server-process.js';
import { useServerProcess } from '../support/use-server.js';
import { nodeEntry } from '../support/entry.js';

const run = promisify(execFile);
const CLI = nodeEntry('src/cli/main.ts');
const key = aBootstrapKey();
const server = useServerProcess(() => ({
  MEMTRACE_STORAGE_DRIVER: 'memory',
  MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
}));

describe('memtrace mcp', () => {
  it('serves the MCP tools on stdio as a client of the running server', async () => {
    // Arrange
    const client = new Client({ name: 'cli-mcp-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [...CLI, 'mcp'],
        env: { PATH: process.env.PATH ?? '', MEMTRACE_URL: server().url, MEMTRACE_API_KEY: key },
      }),
    );
    try {
      // Act
      const tools = (await client.listTools()).tools.map((t) => t.name).sort();
      await client.callTool({
        name: 'memtrace_remember',
        arguments: { agent_id: 'agent_cli', session_id: 'sess_cli', content: 'Through the CLI' },
      });
      const context = await client.readResource({ uri: 'memtrace://sessions/sess_cli/context' });

      // Assert
      expect(tools).toEqual([
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
      const text = (context.contents[0] as { text?: string }).text;
      expect(text).toBe(
        '## Session Context (sess_cli)\n\n### Recent Actions (1)\n- Through the CLI',
      );
      const stored = await fetch(`${server().url}/api/v1/memories?agent_id=agent_cli`, {
        headers: { 'x-api-key': key },
      });
      expect(((await stored.json()) as { count: number }).count).toBe(1);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('exits 1 with one line when MEMTRACE_API_KEY is missing', async () => {
    // Act
    const failure = await run(process.execPath, [...CLI, 'mcp'], {
      env: { PATH: process.env.PATH ?? '', MEMTRACE_URL: server().url },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );

    // Assert
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toContain('MEMTRACE_API_KEY is required');
  }, 60_000);
});
