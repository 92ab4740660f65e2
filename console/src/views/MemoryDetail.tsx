import type { Memory } from '../api';
import { apiOf, canWrite, ErrorBox, Json, useLoad, type Caller } from '../common';
import { ForgetPanel } from './ForgetPanel';

/** One memory: every field, its metadata and tags, and the versions of its corrections. */
export function MemoryDetail(props: {
  readonly caller: Caller;
  readonly id: string;
  readonly onOpen: (id: string) => void;
  readonly onClose: () => void;
  readonly onForgotten: () => void;
}) {
  const { caller, id, onOpen, onClose, onForgotten } = props;
  const api = apiOf(caller);
  const { data, error } = useLoad(async () => {
    const path = `/memories/${encodeURIComponent(id)}`;
    const [memory, history] = await Promise.all([
      api<Memory>('GET', path),
      api<{ memories: Memory[] }>('GET', `${path}/history`),
    ]);
    return { memory, history: history.memories };
  }, [caller.key, id]);

  return (
    <aside className="detail" data-testid="memory-detail">
      <div className="detail-head">
        <h3>Memory</h3>
        <button onClick={onClose}>Close</button>
      </div>
      <ErrorBox error={error} />
      {data && (
        <>
          <p className="content">{data.memory.content}</p>
          <dl>
            {(
              [
                ['id', data.memory.memory_id],
                ['time', data.memory.time],
                ['agent', data.memory.agent_id],
                ['session', data.memory.session_id ?? '—'],
                ['type', data.memory.memory_type],
                ['event', data.memory.event_type],
                ['importance', String(data.memory.importance)],
                ['pinned', data.memory.pinned ? 'yes' : 'no'],
                ['expires', data.memory.expires_at ?? 'never'],
                ['created', data.memory.created_at],
                ['supersedes', data.memory.supersedes ?? '—'],
                ['superseded by', data.memory.superseded_by ?? '—'],
              ] as const
            ).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <h4>Tags</h4>
          <p className="tags">
            {data.memory.tags.length === 0
              ? 'none'
              : data.memory.tags.map((t) => (
                  <span className="tag" key={t}>
                    {t}
                  </span>
                ))}
          </p>
          <h4>Metadata</h4>
          <Json value={data.memory.metadata} />
          <h4>History ({data.history.length})</h4>
          <ol className="history" data-testid="history">
            {data.history.map((m) => (
              <li key={m.memory_id} className={m.memory_id === id ? 'current' : ''}>
                <button className="link" onClick={() => onOpen(m.memory_id)}>
                  {m.time}
                </button>{' '}
                {m.content}
              </li>
            ))}
          </ol>
          {canWrite(caller) && (
            <ForgetPanel
              caller={caller}
              filter={{ ids: [id] }}
              label="Forget this memory…"
              onForgotten={onForgotten}
            />
          )}
        </>
      )}
    </aside>
  );
}
