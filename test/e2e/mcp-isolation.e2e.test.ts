import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextUri } from '../../adapters/mcp/mcp-server.js';
import { callTool, startMcpApp, type McpApp } from '../support/mcp-app.js';
import { apiAs } from '../support/test-app.js';

/**
 * Tenant isolation through /mcp: org B's key, through the MCP SDK's own client, names org A's
 * agent ids, session ids, memory ids and tags in every tool and in the context resource. It must read
 * nothing of A, change nothing of A, and get the same answers as a fresh org naming ids that
 * exist nowhere (no existence leak).
 */

interface Ids {
  readonly agent: string;
  readonly agentName: string;
  readonly session: string;
  readonly namedSession: string;
  readonly tag: string;
  readonly memory: string;
}

type Step = { tool: string; args: Record<string, unknown> } | { resource: string };

/** Every tool and the resource, naming `ids`. */
const attacks = (ids: Ids): Step[] => [
  { tool: 'memtrace_recall', args: { agent_id: ids.agent, since: '30d' } },
  { tool: 'memtrace_recall', args: { agent_id: ids.agent, session_id: ids.session } },
  { tool: 'memtrace_recall', args: { agent_id: ids.agent, session_id: ids.namedSession } },
  { tool: 'memtrace_search', args: {} },
  { tool: 'memtrace_search', args: { agent_id: ids.agent, tags: [ids.tag] } },
  { tool: 'memtrace_search', args: { content_contains: 'secret' } },
  { tool: 'memtrace_session_context', args: { session_id: ids.session } },
  { tool: 'memtrace_session_context', args: { session_id: ids.namedSession, since: '30d' } },
  { resource: contextUri(ids.session) },
  { resource: contextUri(ids.namedSession) },
  { tool: 'memtrace_agent_stats', args: { agent_id: ids.agent } },
  { tool: 'memtrace_agent_stats', args: { agent_id: ids.agentName } },
  { tool: 'memtrace_session_close', args: { session_id: ids.session } },
  { tool: 'memtrace_session_close', args: { session_id: ids.namedSession } },
  {
    tool: 'memtrace_remember',
    args: { agent_id: ids.agent, session_id: ids.session, content: 'by B', tags: [ids.tag] },
  },
  { tool: 'memtrace_decide', args: { agent_id: ids.agent, decision: 'd', reasoning: 'r' } },
  { tool: 'memtrace_session_create', args: { agent_id: ids.agent, metadata: { b: 1 } } },
  { tool: 'memtrace_agent_register', args: { name: ids.agentName } },
  { tool: 'memtrace_agent_stats', args: { agent_id: ids.agent } },
  { tool: 'memtrace_recall', args: { agent_id: ids.agent, since: '30d' } },
  { tool: 'memtrace_search', args: { tags: [ids.tag] } },
  { tool: 'memtrace_forget', args: { agent_id: ids.agent, dry_run: true } },
  { tool: 'memtrace_forget', args: { ids: [ids.memory], dry_run: true } },
  { tool: 'memtrace_forget', args: { ids: [ids.memory] } },
  { tool: 'memtrace_forget', args: { session_id: ids.session } },
  { tool: 'memtrace_forget', args: { session_id: ids.namedSession, tags: [ids.tag] } },
  { tool: 'memtrace_forget', args: { agent_id: ids.agent, memory_types: ['decision'] } },
  { tool: 'memtrace_forget', args: { all: true } },
  { tool: 'memtrace_recall', args: { agent_id: ids.agent, since: '30d' } },
];

/** What an answer says once the attacked ids and the generated ids are replaced by names. */
function normalise(text: string, ids: Ids): string {
  let out = text;
  for (const [name, value] of Object.entries(ids).sort((x, y) => y[1].length - x[1].length)) {
    out = out.split(value).join(`<${name}>`);
  }
  return (
    out
      .replace(/\b(mem|sess|agent|key|org)_[0-9a-f]{24,}\b/g, '<$1 id>')
      // A derived dedup key hashes the agent id: it differs as the ids do.
      .replace(/"dedup_key": "[0-9a-f]{32}"/g, '"dedup_key": "<hash>"')
      .replace(/"(took_ms|latency_ms|query_time_ms|query_time_us)": [0-9.e-]+/g, '"$1": <ms>')
  );
}

async function answers(client: Client, ids: Ids): Promise<string[]> {
  const out: string[] = [];
  for (const step of attacks(ids)) {
    if ('tool' in step) {
      const r = await callTool(client, step.tool, step.args);
      out.push(
        `${step.tool} ${r.isError ? 'error' : 'ok'}: ${normalise(r.content[0]?.text ?? '', ids)}`,
      );
    } else {
      try {
        const r = await client.readResource({ uri: step.resource });
        const c = r.contents[0] as { text?: string } | undefined;
        out.push(`resource ok: ${normalise(c?.text ?? '', ids)}`);
      } catch (e) {
        out.push(`resource error: ${normalise(e instanceof Error ? e.message : String(e), ids)}`);
      }
    }
  }
  return out;
}

describe('McpHttpEndpoint.isolation', () => {
  let m: McpApp;
  let a: Client;
  let aIds: Ids;
  const ghostIds: Ids = {
    agent: 'agent_ghost_zz',
    agentName: 'name_ghost_zz',
    session: 'sess_ghost_zz',
    namedSession: 'sess_named_ghost',
    tag: 'tag_ghost_zz',
    memory: 'mem_ghost_zz',
  };

  /** Org A as its own key sees it, through REST. */
  async function snapshotOfA() {
    const rest = apiAs(m.t.app, m.t.adminKey);
    const paths = [
      '/api/v1/memories?limit=1000',
      `/api/v1/sessions/${aIds.session}`,
      '/api/v1/sessions?limit=1000',
      '/api/v1/agents',
      `/api/v1/agents/${aIds.agent}/stats`,
    ];
    return Promise.all(
      paths.map(async (p) => {
        const r = await rest.get(p);
        return { p, status: r.status, body: r.body as unknown };
      }),
    );
  }

  beforeAll(async () => {
    m = await startMcpApp();
    a = await m.connect(m.t.adminKey);
    const ok = async (tool: string, args: Record<string, unknown>) => {
      const r = await callTool(a, tool, args);
      expect(r.isError ?? false, r.content[0]?.text).toBe(false);
      return JSON.parse(r.content[0]?.text ?? 'null') as Record<string, string>;
    };
    await ok('memtrace_agent_register', { name: 'name_only_a' });
    const session = await ok('memtrace_session_create', { agent_id: 'agent_only_a' });
    const first = await ok('memtrace_remember', {
      agent_id: 'agent_only_a',
      session_id: session.session_id,
      content: 'secret of org A',
      tags: ['tag_only_a'],
    });
    await ok('memtrace_remember', {
      agent_id: 'agent_only_a',
      session_id: 'sess_named_only_a',
      content: 'second secret of org A',
      tags: ['tag_only_a'],
    });
    aIds = {
      agent: 'agent_only_a',
      agentName: 'name_only_a',
      session: String(session.session_id),
      namedSession: 'sess_named_only_a',
      tag: 'tag_only_a',
      memory: String(first.memory_id),
    };
  }, 30_000);
  afterAll(async () => {
    await m.close();
  });

  it('returns nothing of org A, changes nothing of org A and answers as for ids that exist nowhere when org B names A ids in every tool and the context resource', async () => {
    // Arrange
    const before = await snapshotOfA();
    const orgB = await m.t.services.auth.createOrg('org B');
    const orgGhost = await m.t.services.auth.createOrg('org B twin');
    const b = await m.connect(orgB.apiKey);
    const twin = await m.connect(orgGhost.apiKey);

    // Act
    const withAIds = await answers(b, aIds);
    const withGhostIds = await answers(twin, ghostIds);

    // Assert
    expect(withAIds).toEqual(withGhostIds);
    expect(withAIds.join('\n')).not.toContain('secret of org A');
    // B's forgets acted on B's own memories under A's names (B's remember and decide), not A's.
    expect(withAIds).toContain('memtrace_forget ok: {\n  "would_delete": 2,\n  "dry_run": true\n}');
    expect(withAIds.filter((s) => s.includes(' error: '))).toHaveLength(
      withGhostIds.filter((s) => s.includes(' error: ')).length,
    );
    expect(await snapshotOfA()).toEqual(before);
    const seenByA = before.find((s) => s.p.startsWith('/api/v1/memories'))?.body as {
      memories: unknown[];
    };
    expect(seenByA.memories).toHaveLength(2);
  }, 60_000);

  it('reads A own session through the resource when org A asks', async () => {
    // Act
    const r = await a.readResource({ uri: contextUri(aIds.session) });

    // Assert
    expect((r.contents[0] as { text: string }).text).toContain('secret of org A');
  });
});
