import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool, startMcpApp, type McpApp } from '../support/mcp-app.js';

/** The tool calls docs/mcp.md shows: blocks whose info string is `json <tool name>`. */
function documentedCalls(): { tool: string; args: Record<string, unknown> }[] {
  const doc = readFileSync(new URL('../../docs/mcp.md', import.meta.url), 'utf8');
  return [...doc.matchAll(/```json (memtrace_\w+)\n([\s\S]*?)```/g)].map((m) => ({
    tool: m[1]!,
    args: JSON.parse(m[2]!) as Record<string, unknown>,
  }));
}

/** The answers the page says the calls give, in order (the JSON objects after "answers"). */
function documentedAnswers(): unknown[] {
  const doc = readFileSync(new URL('../../docs/mcp.md', import.meta.url), 'utf8');
  const sentence = /the dry run answers `([^`]+)`, the forget `([^`]+)`/.exec(doc);
  return sentence === null ? [] : [JSON.parse(sentence[1]!), JSON.parse(sentence[2]!)];
}

let app: McpApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('docs/mcp.md', () => {
  it('gives the answers it documents when its tool calls are run in order', async () => {
    // Arrange
    app = await startMcpApp();
    const client = await app.connect(app.t.adminKey);
    const calls = documentedCalls();
    expect(calls.map((c) => c.tool)).toEqual([
      'memtrace_remember',
      'memtrace_search',
      'memtrace_forget',
      'memtrace_forget',
    ]);

    // Act
    const answers: unknown[] = [];
    for (const { tool, args } of calls) {
      const result = await callTool(client, tool, args);
      expect(result.isError ?? false, `${tool}: ${result.content[0]?.text}`).toBe(false);
      answers.push(JSON.parse(result.content[0]!.text));
    }
    const left = await callTool(client, 'memtrace_recall', { agent_id: 'agent_docs' });

    // Assert
    const found = answers[1] as { results: { content: string; score: number }[] };
    expect(found.results.map((r) => r.content)).toEqual(['The staging port is 8080']);
    expect(found.results[0]?.score).toBeGreaterThan(0);
    expect(answers.slice(2)).toEqual(documentedAnswers());
    expect(answers.slice(2)).toEqual([{ would_delete: 1, dry_run: true }, { deleted: 1 }]);
    expect(JSON.parse(left.content[0]!.text).memories).toEqual([]);
  });
});
