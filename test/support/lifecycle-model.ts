import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { exportOrg, noProgress } from '../../src/cli/org-transfer.js';
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
  tags: readonly string[];
  /** When it expires (ms), or null. */
  expiresAt: number | null;
  /** Deleted by a delete, a forget, a session delete or the purge: gone for good. */
  deleted: boolean;
  /** The memory this one corrects, and the one that corrects it (null while current). */
  readonly supersedes: string | null;
  supersededBy: string | null;
}

/**
 * The reference model: every memory created, in creation order, the clock, and which sessions
 * exist. A memory is live while it is neither deleted nor expired; it is current while live and
 * not superseded. Get, history and export show live memories; every other read current ones.
 */
export class LifecycleModel {
  readonly memories: ModelMemory[] = [];
  /** The sessions that exist: named by a memory, and not deleted since. */
  readonly sessions = new Set<string>();
  private next = 0;

  constructor(public now: number) {}

  /** A content no other memory of the run has (so dedup never merges two). */
  freshContent(): string {
    this.next += 1;
    return `memory number ${this.next} of the model run`;
  }

  isExpired(m: ModelMemory): boolean {
    return m.expiresAt !== null && m.expiresAt <= this.now;
  }

  isLive(m: ModelMemory): boolean {
    return !m.deleted && !this.isExpired(m);
  }

  isCurrent(m: ModelMemory): boolean {
    return this.isLive(m) && m.supersededBy === null;
  }

  live(): ModelMemory[] {
    return this.memories.filter((m) => this.isLive(m));
  }

  byId(id: string | null): ModelMemory | undefined {
    return id === null ? undefined : this.memories.find((m) => m.id === id);
  }

  /** The memory the `pick`-th draw names: any memory ever created, gone ones included. */
  pick(pick: number): ModelMemory | null {
    return this.memories.length === 0 ? null : this.memories[pick % this.memories.length]!;
  }

  /** `m`'s chain as history answers it: linked live versions either side, oldest first. */
  history(m: ModelMemory): string[] {
    const older: string[] = [];
    for (let at = this.byId(m.supersedes); at && this.isLive(at); at = this.byId(at.supersedes)) {
      older.unshift(at.id);
    }
    const newer: string[] = [];
    for (
      let at = this.byId(m.supersededBy);
      at && this.isLive(at);
      at = this.byId(at.supersededBy)
    ) {
      newer.push(at.id);
    }
    return [...older, m.id, ...newer];
  }
}

/** The system under test: the HTTP API, MCP, and export, of one org. */
export interface LifecycleReal {
  readonly api: ApiClient;
  readonly mcp: Client;
  readonly app: McpApp;
  /** Moves the app's clock (and the model's) forward. */
  advance(ms: number): void;
  /** One purge pass over every org. @returns how many memories it deleted */
  purge(): Promise<number>;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** The contents of the current memories (optionally narrowed), sorted. */
function current(model: LifecycleModel, where: (m: ModelMemory) => boolean = () => true) {
  return sorted(
    model.memories
      .filter((m) => model.isCurrent(m))
      .filter(where)
      .map((m) => m.content),
  );
}

async function exportedContents(app: McpApp): Promise<string[]> {
  const lines: string[] = [];
  const write = async (line: string) => {
    lines.push(line);
  };
  // At the app's clock: what has expired is what the model says.
  await exportOrg(app.t.storage, 'org_default', write, noProgress, () => app.t.clock.now());
  return lines
    .map((l) => JSON.parse(l) as { type: string; content?: string })
    .filter((r) => r.type === 'memory')
    .map((r) => r.content!);
}

/**
 * Every read path against the model: get and history (each memory ever created), list, search,
 * each session's memories and context, each agent's memories and stats, export and MCP search.
 * Nothing deleted, expired or (where the read leaves those out) superseded is returned, and
 * nothing else is missing.
 */
export async function checkEveryReadPath(model: LifecycleModel, real: LifecycleReal) {
  const { api } = real;
  for (const m of model.memories) {
    const state = model.isLive(m) ? 'live' : m.deleted ? 'deleted' : 'expired';
    const res = await api.get(`/api/v1/memories/${m.id}`);
    expect(res.status, `get ${m.id} (${state})`).toBe(model.isLive(m) ? 200 : 404);
    if (!model.isLive(m)) continue;
    expect(res.body.superseded_by, `superseded_by of ${m.id}`).toBe(m.supersededBy);
    const history = await api.get(`/api/v1/memories/${m.id}/history`);
    expect(history.status).toBe(200);
    const chain = (history.body.memories as { memory_id: string }[]).map((x) => x.memory_id);
    expect(chain, `history of ${m.id}`).toEqual(model.history(m));
  }
  const contents = (body: { content: string }[]) => sorted(body.map((x) => x.content));

  const list = await api.get('/api/v1/memories?since=30d&limit=1000');
  expect(list.status).toBe(200);
  expect(contents(list.body.memories), 'list').toEqual(current(model));

  const search = await api.post('/api/v1/search', { since: '30d', limit: 1000 });
  expect(search.status).toBe(200);
  expect(contents(search.body.results), 'search').toEqual(current(model));

  for (const s of SESSIONS) {
    const inSession = (m: ModelMemory) => m.sessionId === s;
    const bySession = await api.get(`/api/v1/sessions/${s}/memories?since=30d&limit=1000`);
    expect(bySession.status, `session ${s}`).toBe(model.sessions.has(s) ? 200 : 404);
    if (bySession.status === 404) {
      expect(current(model, inSession), `memories of the missing session ${s}`).toEqual([]);
      continue;
    }
    expect(contents(bySession.body.memories), `session ${s}`).toEqual(current(model, inSession));
    const context = await api.post(`/api/v1/sessions/${s}/context`, { since: '30d' });
    expect(context.status).toBe(200);
    for (const m of model.memories.filter(inSession)) {
      const shown = (context.body.context as string).includes(m.content);
      expect(shown, `context of ${s} shows ${m.content}`).toBe(model.isCurrent(m));
    }
  }

  for (const a of AGENTS) {
    const ofAgent = (m: ModelMemory) => m.agentId === a;
    const byAgent = await api.get(`/api/v1/agents/${a}/memories?since=30d&limit=1000`);
    expect(byAgent.status).toBe(200);
    expect(contents(byAgent.body.memories), `agent ${a}`).toEqual(current(model, ofAgent));
    const stats = await api.get(`/api/v1/agents/${a}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.memory_count, `stats of ${a}`).toBe(current(model, ofAgent).length);
  }

  const exported = sorted(model.live().map((m) => m.content));
  expect(sorted(await exportedContents(real.app)), 'export').toEqual(exported);

  const viaMcp = await callTool(real.mcp, 'memtrace_search', { since: '30d', limit: 1000 });
  expect(viaMcp.isError ?? false).toBe(false);
  const mcpBody = JSON.parse(viaMcp.content[0]!.text) as { results: { content: string }[] };
  expect(contents(mcpBody.results), 'MCP search').toEqual(current(model));
}
