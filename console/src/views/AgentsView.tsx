import { useState } from 'react';
import type { Agent, AgentStats, Page } from '../api';
import { queryString } from '../api';
import { apiOf, ErrorBox, useLoad, type Caller } from '../common';

interface AgentWithStats extends Agent {
  readonly stats: AgentStats;
}

/** The org's agents, each with its stats, a page at a time. */
export function AgentsView({ caller }: { readonly caller: Caller }) {
  const api = apiOf(caller);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const { data, error, busy } = useLoad(async () => {
    const page = await api<Page & { agents: Agent[] }>(
      'GET',
      `/agents${queryString({ limit: 50, cursor })}`,
    );
    const agents: AgentWithStats[] = await Promise.all(
      page.agents.map(async (a) => ({
        ...a,
        stats: await api<AgentStats>('GET', `/agents/${encodeURIComponent(a.agent_id)}/stats`),
      })),
    );
    return { ...page, agents };
  }, [caller.key, cursor]);

  return (
    <section>
      <h2>Agents</h2>
      <ErrorBox error={error} />
      {busy && <p className="loading">Loading…</p>}
      {data && (
        <>
          <p className="count" data-testid="agent-count">
            {data.count} agents
          </p>
          <table>
            <thead>
              <tr>
                <th>Agent</th>
                <th>Name</th>
                <th>Memories</th>
                <th>Last 24 h</th>
                <th>Errors 24 h</th>
                <th>Sessions</th>
                <th>Active</th>
                <th>By type</th>
              </tr>
            </thead>
            <tbody>
              {data.agents.map((a) => (
                <tr key={a.agent_id} data-agent={a.agent_id}>
                  <td>
                    <code>{a.agent_id}</code>
                  </td>
                  <td>{a.name}</td>
                  <td>{a.stats.memory_count}</td>
                  <td>{a.stats.memories_24h}</td>
                  <td>{a.stats.errors_24h}</td>
                  <td>{a.stats.session_count}</td>
                  <td>{a.stats.active_sessions}</td>
                  <td>
                    {Object.entries(a.stats.memory_types)
                      .map(([t, n]) => `${t} ${n}`)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="paging">
            {cursor !== undefined && (
              <button onClick={() => setCursor(undefined)}>First page</button>
            )}
            {data.next_cursor && (
              <button onClick={() => setCursor(data.next_cursor ?? undefined)}>Next page</button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
