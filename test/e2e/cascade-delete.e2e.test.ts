import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextUri } from '../../adapters/mcp/mcp-server.js';
import type { LogMeta, Logger } from '../../domain/index.js';
import { exportOrg } from '../../src/cli/org-transfer.js';
import { callTool, startMcpApp, type McpApp } from '../support/mcp-app.js';
import {
  apiAs,
  buildTestApp,
  createKey,
  type ApiClient,
  type TestApp,
} from '../support/test-app.js';

let t: TestApp;
let api: ApiClient;
let mcp: McpApp | null = null;

beforeEach(async () => {
  t = await buildTestApp();
  api = apiAs(t.app, t.adminKey);
});

afterEach(async () => {
  await mcp?.close();
  mcp = null;
});

/** Records a memory and returns its id. */
async function remember(body: Record<string, unknown>, client: ApiClient = api): Promise<string> {
  const res = await client.post('/api/v1/memories', { agent_id: 'agent_1', ...body });
  expect(res.status).toBe(201);
  return res.body.memory_id as string;
}

async function startSession(agentId: string, client: ApiClient = api): Promise<string> {
  const res = await client.post('/api/v1/sessions', { agent_id: agentId, metadata: { m: 1 } });
  expect(res.status).toBe(201);
  return res.body.session_id as string;
}

const contents = (items: unknown) => (items as { content: string }[]).map((m) => m.content);

/** What the org's key reads through the list paths: memory contents and session ids. */
async function listed(client: ApiClient = api) {
  const memories = await client.get('/api/v1/memories?since=30d&order=asc&limit=1000');
  const search = await client.post('/api/v1/search', { since: '30d', order: 'asc' });
  const sessions = await client.get('/api/v1/sessions?limit=1000');
  expect([memories.status, search.status, sessions.status]).toEqual([200, 200, 200]);
  return {
    memories: contents(memories.body.memories),
    count: memories.body.count as number,
    search: contents(search.body.results),
    sessions: (sessions.body.sessions as { session_id: string }[]).map((s) => s.session_id).sort(),
  };
}

/** Everything an export of the default org writes. */
async function exported(): Promise<string> {
  let text = '';
  await exportOrg(t.storage, 'org_default', async (line) => void (text += line));
  return text;
}

/** A logger that keeps what is logged at info. */
function recordingLogger() {
  const lines: { message: string; meta: LogMeta | undefined }[] = [];
  const info = (message: string, meta?: LogMeta) => void lines.push({ message, meta });
  const logger: Logger = { debug: () => {}, info, warn: () => {}, error: () => {} };
  return { lines, logger };
}

describe('SessionRoutes.delete', () => {
  it('answers 204 and no read path shows the session or its memories afterwards', async () => {
    // Arrange
    const gone = await startSession('agent_1');
    const kept = await startSession('agent_1');
    const goneMemory = await remember({ session_id: gone, content: 'gone one' });
    await remember({ session_id: gone, agent_id: 'agent_2', content: 'gone two' });
    await remember({ session_id: kept, content: 'kept one' });

    // Act
    const res = await api.delete(`/api/v1/sessions/${gone}`);

    // Assert
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await api.get(`/api/v1/sessions/${gone}`)).status).toBe(404);
    expect((await api.get(`/api/v1/sessions/${gone}/memories`)).status).toBe(404);
    expect((await api.post(`/api/v1/sessions/${gone}/context`, {})).status).toBe(404);
    expect((await api.put(`/api/v1/sessions/${gone}`, { status: 'closed' })).status).toBe(404);
    expect((await api.get(`/api/v1/memories/${goneMemory}`)).status).toBe(404);
    expect(await listed()).toEqual({
      memories: ['kept one'],
      count: 1,
      search: ['kept one'],
      sessions: [kept],
    });
    expect(contents((await api.get(`/api/v1/memories?session_id=${gone}`)).body.memories)).toEqual(
      [],
    );
    expect((await api.get('/api/v1/agents/agent_1/stats')).body).toMatchObject({
      memory_count: 1,
      session_count: 1,
    });
    expect((await api.get('/api/v1/agents/agent_2/stats')).status).toBe(404);
    const dump = await exported();
    expect(dump).not.toContain(gone);
    expect(dump).not.toContain('gone one');
    expect(dump).toContain('kept one');
  });

  it('deletes every version of a corrected memory in the session, and with the agent', async () => {
    // Arrange
    const wrong = await remember({ session_id: 'sess_fix', content: 'port 8080' });
    const right = await remember({
      session_id: 'sess_fix',
      content: 'port 9090',
      supersedes: wrong,
    });
    expect((await api.post('/api/v1/agents', { name: 'fixer' })).status).toBe(201);
    const old = await remember({ agent_id: 'fixer', content: 'v1' });
    const fix = await remember({ agent_id: 'fixer', content: 'v2', supersedes: old });

    // Act
    const session = await api.delete('/api/v1/sessions/sess_fix');
    const agent = await api.delete('/api/v1/agents/fixer?cascade=true');

    // Assert
    expect(session.status).toBe(204);
    expect(agent.status).toBe(200);
    expect(agent.body.memories_deleted).toBe(2);
    for (const id of [wrong, right, old, fix]) {
      expect((await api.get(`/api/v1/memories/${id}`)).status, id).toBe(404);
    }
  });

  it('deletes a session that only memories name when it was never created', async () => {
    // Arrange
    await remember({ session_id: 'chat-42', content: 'named only' });

    // Act
    const res = await api.delete('/api/v1/sessions/chat-42');

    // Assert
    expect(res.status).toBe(204);
    expect((await api.get('/api/v1/sessions/chat-42')).status).toBe(404);
    expect(await listed()).toEqual({ memories: [], count: 0, search: [], sessions: [] });
  });

  it('answers 404 when the session is unknown, and the second time', async () => {
    // Arrange
    const id = await startSession('agent_1');
    await api.delete(`/api/v1/sessions/${id}`).expect(204);

    // Act
    const again = await api.delete(`/api/v1/sessions/${id}`);
    const unknown = await api.delete('/api/v1/sessions/sess_nope');

    // Assert
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'not_found', message: 'session not found' });
    expect(unknown.status).toBe(404);
  });

  it('answers 404 and deletes nothing when the session is another org’s', async () => {
    // Arrange
    const mine = await startSession('agent_1');
    await remember({ session_id: mine, content: 'org A keeps this' });
    const org = await api.post('/api/v1/orgs', { name: 'org B' });
    const other = apiAs(t.app, org.body.api_key as string);

    // Act
    const res = await other.delete(`/api/v1/sessions/${mine}`);

    // Assert
    expect(res.status).toBe(404);
    expect(await listed()).toMatchObject({ memories: ['org A keeps this'], sessions: [mine] });
  });

  it('answers 403 and deletes nothing when the key may only read', async () => {
    // Arrange
    const mine = await startSession('agent_1');
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = await reader.delete(`/api/v1/sessions/${mine}`);

    // Assert
    expect(res.status).toBe(403);
    expect((await api.get(`/api/v1/sessions/${mine}`)).status).toBe(200);
  });

  it('starts the session anew when a memory names its id after the delete', async () => {
    // Arrange
    const id = await startSession('agent_1');
    await api.put(`/api/v1/sessions/${id}`, { status: 'closed' }).expect(200);
    await remember({ session_id: id, content: 'before' });
    await api.delete(`/api/v1/sessions/${id}`).expect(204);

    // Act
    await remember({ session_id: id, agent_id: 'agent_2', content: 'after' });

    // Assert
    const session = await api.get(`/api/v1/sessions/${id}`);
    expect(session.body).toMatchObject({ agent_id: 'agent_2', status: 'active', metadata: {} });
    const memories = await api.get(`/api/v1/sessions/${id}/memories`);
    expect(contents(memories.body.memories)).toEqual(['after']);
  });

  it('logs the org, the key, the request id, the session and the count at info, never the content', async () => {
    // Arrange
    const { lines, logger } = recordingLogger();
    t = await buildTestApp({ logger });
    api = apiAs(t.app, t.adminKey);
    const id = await startSession('agent_1');
    await remember({ session_id: id, content: 'never in a log' });
    const [key] = await t.services.auth.listKeys('org_default');

    // Act
    const res = await api.delete(`/api/v1/sessions/${id}`).expect(204);

    // Assert: with the request's id, as its answer's x-request-id and the request log give it
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((l) => l.message === 'session deleted')).toEqual([
      {
        message: 'session deleted',
        meta: {
          org_id: 'org_default',
          key_id: key?.id,
          request_id: res.headers['x-request-id'],
          session_id: id,
          memories_deleted: 1,
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('never in a log');
  });

  it('shows nothing of the session through MCP tools and resources afterwards', async () => {
    // Arrange
    mcp = await startMcpApp();
    const client = await mcp.connect(mcp.t.adminKey);
    const rest = apiAs(mcp.t.app, mcp.t.adminKey);
    const id = await startSession('agent_1', rest);
    await remember({ session_id: id, content: 'secret of the session' }, rest);
    await rest.delete(`/api/v1/sessions/${id}`).expect(204);

    // Act
    const answers = [
      await callTool(client, 'memtrace_recall', { agent_id: 'agent_1', session_id: id }),
      await callTool(client, 'memtrace_search', { since: '30d' }),
      await callTool(client, 'memtrace_session_context', { session_id: id }),
    ].map((r) => r.content[0]?.text ?? '');
    const resource = await client.readResource({ uri: contextUri(id) }).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );

    // Assert
    expect([...answers, resource].join('\n')).not.toContain('secret of the session');
    expect(answers[2]).toContain('not found');
  });
});

describe('AgentRoutes.delete', () => {
  /** A registered agent with two sessions and memories, and another agent's memory in one. */
  async function anAgentWithData() {
    const agent = await api.post('/api/v1/agents', { name: 'crawler' });
    expect(agent.status).toBe(201);
    const s1 = await startSession('crawler');
    const s2 = await startSession('crawler');
    await remember({ agent_id: 'crawler', session_id: s1, content: 'crawler in s1' });
    await remember({ agent_id: 'crawler', session_id: s2, content: 'crawler in s2' });
    await remember({ agent_id: 'crawler', content: 'crawler alone' });
    await remember({ agent_id: 'helper', session_id: s1, content: 'helper in s1' });
    const otherSession = await startSession('helper');
    await remember({ agent_id: 'helper', session_id: otherSession, content: 'helper kept' });
    await remember({ agent_id: 'crawler', session_id: otherSession, content: 'crawler in h' });
    return { agentId: agent.body.agent_id as string, s1, s2, otherSession };
  }

  it('keeps memories and sessions and says so in a header when cascade is not given', async () => {
    // Arrange
    const { agentId, s1, s2, otherSession } = await anAgentWithData();

    // Act
    const res = await api.delete(`/api/v1/agents/${agentId}`);

    // Assert
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['memtrace-kept']).toBe('memories, sessions');
    expect((await api.get(`/api/v1/agents/${agentId}`)).status).toBe(404);
    const after = await listed();
    expect(after.count).toBe(6);
    expect(after.sessions).toEqual([s1, s2, otherSession].sort());
    expect((await api.get('/api/v1/agents/crawler/stats')).body).toMatchObject({
      memory_count: 4,
      session_count: 2,
    });
  });

  it('keeps everything when cascade=false, as without it', async () => {
    // Arrange
    await anAgentWithData();

    // Act
    const res = await api.delete('/api/v1/agents/crawler?cascade=false');

    // Assert
    expect(res.status).toBe(204);
    expect(res.headers['memtrace-kept']).toBe('memories, sessions');
    expect((await listed()).count).toBe(6);
  });

  it('deletes the registration, its memories and its sessions with cascade=true', async () => {
    // Arrange
    const { agentId, s1, s2, otherSession } = await anAgentWithData();

    // Act
    const res = await api.delete(`/api/v1/agents/${agentId}?cascade=true`);

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers['memtrace-kept']).toBeUndefined();
    expect(res.body).toEqual({
      agent_id: agentId,
      name: 'crawler',
      deleted: true,
      cascade: true,
      memories_deleted: 5,
      sessions_deleted: 2,
    });
    expect((await api.get(`/api/v1/agents/${agentId}`)).status).toBe(404);
    expect((await api.get('/api/v1/agents/crawler')).status).toBe(404);
    expect((await api.get('/api/v1/agents/crawler/stats')).status).toBe(404);
    expect((await api.get('/api/v1/agents/crawler/memories')).status).toBe(404);
    for (const s of [s1, s2]) {
      expect((await api.get(`/api/v1/sessions/${s}`)).status).toBe(404);
      expect((await api.post(`/api/v1/sessions/${s}/context`, {})).status).toBe(404);
    }
    expect(await listed()).toEqual({
      memories: ['helper kept'],
      count: 1,
      search: ['helper kept'],
      sessions: [otherSession],
    });
    expect((await api.get('/api/v1/agents?limit=100')).body.count).toBe(0);
    expect((await api.get('/api/v1/sessions?agent_id=crawler')).body.count).toBe(0);
    expect((await api.get('/api/v1/agents/helper/stats')).body).toMatchObject({
      memory_count: 1,
      session_count: 1,
    });
    const dump = await exported();
    for (const gone of [agentId, s1, s2, 'crawler']) expect(dump).not.toContain(gone);
    expect(dump).toContain('helper kept');
  });

  it('finds the agent by name with cascade=true', async () => {
    // Arrange
    await anAgentWithData();

    // Act
    const res = await api.delete('/api/v1/agents/crawler?cascade=true');

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'crawler', memories_deleted: 5, sessions_deleted: 2 });
    expect((await listed()).memories).toEqual(['helper kept']);
  });

  it.each([['yes'], ['1'], ['TRUE'], ['true&cascade=true']])(
    'answers 400 and deletes nothing when cascade is %s',
    async (value) => {
      // Arrange
      await anAgentWithData();

      // Act
      const res = await api.delete(`/api/v1/agents/crawler?cascade=${value}`);

      // Assert
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('cascade');
      expect((await api.get('/api/v1/agents/crawler')).status).toBe(200);
      expect((await listed()).count).toBe(6);
    },
  );

  it('answers 404 and deletes nothing when only memories name the agent', async () => {
    // Arrange
    await remember({ agent_id: 'unregistered', content: 'kept' });

    // Act
    const res = await api.delete('/api/v1/agents/unregistered?cascade=true');

    // Assert
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'agent not found' });
    expect((await listed()).memories).toEqual(['kept']);
  });

  it('answers 404 and deletes nothing when the agent is another org’s', async () => {
    // Arrange
    const { agentId } = await anAgentWithData();
    const org = await api.post('/api/v1/orgs', { name: 'org B' });
    const other = apiAs(t.app, org.body.api_key as string);

    // Act
    const byId = await other.delete(`/api/v1/agents/${agentId}?cascade=true`);
    const byName = await other.delete('/api/v1/agents/crawler?cascade=true');

    // Assert
    expect([byId.status, byName.status]).toEqual([404, 404]);
    expect((await api.get(`/api/v1/agents/${agentId}`)).status).toBe(200);
    expect((await listed()).count).toBe(6);
  });

  it('answers 403 and deletes nothing when the key may only read', async () => {
    // Arrange
    await anAgentWithData();
    const reader = apiAs(t.app, await createKey(t, ['read']));

    // Act
    const res = await reader.delete('/api/v1/agents/crawler?cascade=true');

    // Assert
    expect(res.status).toBe(403);
    expect((await listed()).count).toBe(6);
  });

  it('logs the org, the key, the request id, the agent and the counts at info, never the content', async () => {
    // Arrange
    const { lines, logger } = recordingLogger();
    t = await buildTestApp({ logger });
    api = apiAs(t.app, t.adminKey);
    const { agentId } = await anAgentWithData();
    const [key] = await t.services.auth.listKeys('org_default');

    // Act
    const res = await api.delete('/api/v1/agents/crawler?cascade=true').expect(200);

    // Assert
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((l) => l.message === 'agent deleted')).toEqual([
      {
        message: 'agent deleted',
        meta: {
          org_id: 'org_default',
          key_id: key?.id,
          request_id: res.headers['x-request-id'],
          agent_id: agentId,
          agent_name: 'crawler',
          cascade: true,
          memories_deleted: 5,
          sessions_deleted: 2,
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('crawler in s1');
  });

  it('shows nothing of the agent through MCP tools and resources afterwards', async () => {
    // Arrange
    mcp = await startMcpApp();
    const client = await mcp.connect(mcp.t.adminKey);
    const rest = apiAs(mcp.t.app, mcp.t.adminKey);
    await rest.post('/api/v1/agents', { name: 'crawler' }).expect(201);
    const id = await startSession('crawler', rest);
    await remember({ agent_id: 'crawler', session_id: id, content: 'secret of crawler' }, rest);
    await rest.delete('/api/v1/agents/crawler?cascade=true').expect(200);

    // Act
    const answers = [
      await callTool(client, 'memtrace_recall', { agent_id: 'crawler', since: '30d' }),
      await callTool(client, 'memtrace_search', { agent_id: 'crawler' }),
      await callTool(client, 'memtrace_session_context', { session_id: id }),
      await callTool(client, 'memtrace_agent_stats', { agent_id: 'crawler' }),
    ].map((r) => r.content[0]?.text ?? '');
    const resource = await client.readResource({ uri: contextUri(id) }).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );

    // Assert
    expect([...answers, resource].join('\n')).not.toContain('secret of crawler');
    expect(answers[3]).toContain('not found');
  });
});
