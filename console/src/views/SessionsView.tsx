import { useState } from 'react';
import type { Page, Session } from '../api';
import { queryString } from '../api';
import { apiOf, canWrite, ErrorBox, Field, Json, useAction, useLoad, type Caller } from '../common';

function SessionRow(props: {
  readonly caller: Caller;
  readonly session: Session;
  readonly onChanged: (s: Session) => void;
  readonly onContext: (id: string) => void;
}) {
  const { caller, session: s, onChanged, onContext } = props;
  const api = apiOf(caller);
  const action = useAction();
  const [metadata, setMetadata] = useState('');
  const update = (body: object) =>
    action.run(async () => {
      onChanged(await api<Session>('PUT', `/sessions/${encodeURIComponent(s.session_id)}`, body));
    });
  const merge = () =>
    action.run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(metadata);
      } catch {
        throw new Error('the metadata to merge is not JSON');
      }
      const updated = await api<Session>('PUT', `/sessions/${encodeURIComponent(s.session_id)}`, {
        metadata: parsed,
      });
      setMetadata('');
      onChanged(updated);
    });
  return (
    <tr data-session={s.session_id}>
      <td>
        <code>{s.session_id}</code>
      </td>
      <td>
        <code>{s.agent_id}</code>
      </td>
      <td className={`status ${s.status}`}>{s.status}</td>
      <td>{s.updated_at}</td>
      <td>
        <Json value={s.metadata} />
        {canWrite(caller) && (
          <div className="inline">
            <input
              aria-label="Metadata to merge (JSON)"
              placeholder='{"key": "value"}'
              value={metadata}
              onChange={(e) => setMetadata(e.target.value)}
            />
            <button onClick={merge} disabled={action.busy || metadata === ''}>
              Merge metadata
            </button>
          </div>
        )}
      </td>
      <td className="actions">
        <button onClick={() => onContext(s.session_id)}>Context</button>
        {canWrite(caller) &&
          (s.status === 'closed' ? (
            <button onClick={() => update({ status: 'active' })} disabled={action.busy}>
              Reopen
            </button>
          ) : (
            <button onClick={() => update({ status: 'closed' })} disabled={action.busy}>
              Close
            </button>
          ))}
        <ErrorBox error={action.error} />
      </td>
    </tr>
  );
}

/** Sessions, newest first: status (close, reopen), metadata, and the way to their context. */
export function SessionsView(props: {
  readonly caller: Caller;
  readonly onContext: (sessionId: string) => void;
}) {
  const { caller, onContext } = props;
  const api = apiOf(caller);
  const [agent, setAgent] = useState('');
  const [status, setStatus] = useState('');
  const [filter, setFilter] = useState({ agent_id: '', status: '' });
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const { data, error, busy, setData } = useLoad(
    () =>
      api<Page & { sessions: Session[] }>(
        'GET',
        `/sessions${queryString({ ...filter, limit: 50, cursor })}`,
      ),
    [caller.key, filter, cursor],
  );
  const replace = (s: Session) =>
    setData((d) =>
      d ? { ...d, sessions: d.sessions.map((x) => (x.session_id === s.session_id ? s : x)) } : d,
    );

  return (
    <section>
      <h2>Sessions</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setFilter({ agent_id: agent.trim(), status });
        }}
      >
        <Field label="Agent">
          <input name="agent_id" value={agent} onChange={(e) => setAgent(e.target.value)} />
        </Field>
        <Field label="Status">
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            <option value="active">active</option>
            <option value="closed">closed</option>
          </select>
        </Field>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox error={error} />
      {busy && <p className="loading">Loading…</p>}
      {data && (
        <>
          <p className="count">{data.count} sessions</p>
          <table>
            <thead>
              <tr>
                <th>Session</th>
                <th>Agent</th>
                <th>Status</th>
                <th>Updated</th>
                <th>Metadata</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.sessions.map((s) => (
                <SessionRow
                  key={s.session_id}
                  caller={caller}
                  session={s}
                  onChanged={replace}
                  onContext={onContext}
                />
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
