import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { exportOrg } from '../../src/cli/org-transfer.js';
import { callTool, type McpApp } from './mcp-app.js';
import type { ApiClient } from './test-app.js';

/** The agents, sessions and tags the model's random memories are drawn from. */
export const AGENTS = ['agent_a', 'agent_b'] as const;
export const SESSIONS = ['sess_1', 'sess_2'] as const;
export const TAGS = ['red', 'blue'] as const;

/** What the model knows of one memory ever created. */
export interface ModelMemory {
  readonly id: string;
  readonly content: string;
  readonly agentId: string;
  readonly sessionId: string | null;
  readonly tags: readonly string[];
  /** Deleted, forgotten (or otherwise gone): no read path may return it again. */
  gone: boolean;
}

/** The reference model: every memory created, in creation order, and whether it is gone. */
export class LifecycleModel {
  readonly memories: ModelMemory[] = [];
  /** The sessions that exist: named by a memory, and not deleted since. */
  readonly sessions = new Set<string>();
  private next = 0;

  /** A content no other memory of the run has (so dedup never merges two). */
  freshContent(): string {
    this.next += 1;
    return `memory number ${this.next} of the model run`;
  }

  live(): ModelMemory[] {
    return this.memories.filter((m) => !m.gone);
  }

  /** The memory the `pick`-th draw names: any memory ever created, gone ones included. */
  pick(pick: number): ModelMemory | null {
    return this.memories.length === 0 ? null : this.memories[pick % this.memories.length]!;
  }
}

/** The system under test: the HTTP API, MCP, and export, of one org. */
export interface LifecycleReal {
  readonly api: ApiClient;
  readonly mcp: Client;
  readonly app: McpApp;
  /** Advances the app's clock a little, so each memory has its own time. */
  tick(): void;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** The contents of the memories the model says are live (optionally narrowed), sorted. */
function expected(model: LifecycleModel, where: (m: ModelMemory) => boolean = () => true) {
  return sorted(
    model
      .live()
      .filter(where)
      .map((m) => m.content),
  );
}

async function exportedContents(app: McpApp): Promise<string[]> {
  const lines: string[] = [];
  await exportOrg(app.t.storage, 'org_default', async (line) => {
    lines.push(line);
  });
  return lines
    .map((l) => JSON.parse(l) as { type: string; content?: string })
    .filter((r) => r.type === 'memory')
    .map((r) => r.content!);
}

/**
 * Every read path against the model: get (each memory ever created), list, search, each
 * session's memories and context, each agent's memories and stats, export and MCP search.
 * Nothing gone is returned anywhere, and nothing live is missing.
 */
export async function checkEveryReadPath(model: LifecycleModel, real: LifecycleReal) {
  const { api } = real;
  for (const m of model.memories) {
    const res = await api.get(`/api/v1/memories/${m.id}`);
    expect(res.status, `get ${m.id} (${m.gone ? 'gone' : 'live'})`).toBe(m.gone ? 404 : 200);
  }
  const contents = (body: { content: string }[]) => sorted(body.map((x) => x.content));

  const list = await api.get('/api/v1/memories?since=30d&limit=1000');
  expect(list.status).toBe(200);
  expect(contents(list.body.memories), 'list').toEqual(expected(model));

  const search = await api.post('/api/v1/search', { since: '30d', limit: 1000 });
  expect(search.status).toBe(200);
  expect(contents(search.body.results), 'search').toEqual(expected(model));

  for (const s of SESSIONS) {
    const inSession = (m: ModelMemory) => m.sessionId === s;
    const bySession = await api.get(`/api/v1/sessions/${s}/memories?limit=1000`);
    expect(bySession.status, `session ${s}`).toBe(model.sessions.has(s) ? 200 : 404);
    if (bySession.status === 404) {
      expect(expected(model, inSession), `memories of the missing session ${s}`).toEqual([]);
      continue;
    }
    expect(contents(bySession.body.memories), `session ${s}`).toEqual(expected(model, inSession));
    const context = await api.post(`/api/v1/sessions/${s}/context`, { since: '30d' });
    expect(context.status).toBe(200);
    for (const m of model.memories.filter(inSession)) {
      const shown = (context.body.context as string).includes(m.content);
      expect(shown, `context of ${s} shows ${m.content}`).toBe(!m.gone);
    }
  }

  for (const a of AGENTS) {
    const ofAgent = (m: ModelMemory) => m.agentId === a;
    const byAgent = await api.get(`/api/v1/agents/${a}/memories?since=30d&limit=1000`);
    expect(byAgent.status).toBe(200);
    expect(contents(byAgent.body.memories), `agent ${a}`).toEqual(expected(model, ofAgent));
    const stats = await api.get(`/api/v1/agents/${a}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.memory_count, `stats of ${a}`).toBe(expected(model, ofAgent).length);
  }

  expect(sorted(await exportedContents(real.app)), 'export').toEqual(expected(model));

  const viaMcp = await callTool(real.mcp, 'memtrace_search', { since: '30d', limit: 1000 });
  expect(viaMcp.isError ?? false).toBe(false);
  const mcpBody = JSON.parse(viaMcp.content[0]!.text) as { results: { content: string }[] };
  expect(contents(mcpBody.results), 'MCP search').toEqual(expected(model));
}
