import { useState, type FormEvent } from 'react';
import { MEMORY_TYPES, queryString, type Memory, type Page } from '../api';
import { apiOf, canWrite, ErrorBox, Field, listOf, useLoad, type Caller } from '../common';
import { ForgetPanel } from './ForgetPanel';
import { MemoryDetail } from './MemoryDetail';

/** Every filter of GET /api/v1/memories, as the form holds them. */
interface Filters {
  agent_id: string;
  session_id: string;
  memory_type: string[];
  event_type: string;
  tags: string;
  content_contains: string;
  content_contains_ignore_case: boolean;
  q: string;
  min_importance: string;
  since: string;
  until: string;
  order: string;
  limit: string;
  include_count: boolean;
  include_superseded: boolean;
}

const NO_FILTER: Filters = {
  agent_id: '',
  session_id: '',
  memory_type: [],
  event_type: '',
  tags: '',
  content_contains: '',
  content_contains_ignore_case: false,
  q: '',
  min_importance: '',
  since: '',
  until: '',
  order: '',
  limit: '20',
  include_count: true,
  include_superseded: false,
};

const listQuery = (f: Filters, cursor: string | undefined) =>
  queryString({
    agent_id: f.agent_id.trim(),
    session_id: f.session_id.trim(),
    memory_type: f.memory_type,
    event_type: listOf(f.event_type),
    tags: listOf(f.tags),
    content_contains: f.content_contains,
    content_contains_ignore_case: f.content_contains_ignore_case || undefined,
    q: f.q.trim(),
    min_importance: f.min_importance.trim(),
    since: f.since.trim(),
    until: f.until.trim(),
    order: f.order,
    limit: f.limit.trim(),
    include_count: f.include_count ? undefined : false,
    include_superseded: f.include_superseded || undefined,
    cursor,
  });

/** The forget body of the filters, or why they cannot be forgotten by filter. */
function forgetFilter(f: Filters): Record<string, unknown> | string {
  if (f.content_contains !== '' || f.min_importance.trim() !== '') {
    return 'Forget takes agent, session, types, event types, tags, since, until and keywords: clear "content contains" and "min importance" to forget by filter.';
  }
  const body = {
    agent_id: f.agent_id.trim() || undefined,
    session_id: f.session_id.trim() || undefined,
    memory_types: f.memory_type.length > 0 ? f.memory_type : undefined,
    event_types: listOf(f.event_type).length > 0 ? listOf(f.event_type) : undefined,
    tags: listOf(f.tags).length > 0 ? listOf(f.tags) : undefined,
    since: f.since.trim() || undefined,
    until: f.until.trim() || undefined,
    query: f.q.trim() || undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function FilterForm({ onApply }: { readonly onApply: (f: Filters) => void }) {
  const [f, setF] = useState<Filters>(NO_FILTER);
  const text = (name: keyof Filters, label: string, placeholder = '') => (
    <Field label={label}>
      <input
        name={name}
        placeholder={placeholder}
        value={f[name] as string}
        onChange={(e) => setF({ ...f, [name]: e.target.value })}
      />
    </Field>
  );
  const check = (name: keyof Filters, label: string) => (
    <label className="check">
      <input
        type="checkbox"
        name={name}
        checked={f[name] as boolean}
        onChange={(e) => setF({ ...f, [name]: e.target.checked })}
      />
      {label}
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  return (
    <form className="filters" onSubmit={submit}>
      {text('q', 'Keywords (q)', 'words "a phrase" prefix* OR')}
      {text('agent_id', 'Agent')}
      {text('session_id', 'Session')}
      <fieldset>
        <legend>Memory types</legend>
        {MEMORY_TYPES.map((t) => (
          <label className="check" key={t}>
            <input
              type="checkbox"
              name={`memory_type_${t}`}
              checked={f.memory_type.includes(t)}
              onChange={(e) =>
                setF({
                  ...f,
                  memory_type: e.target.checked
                    ? [...f.memory_type, t]
                    : f.memory_type.filter((x) => x !== t),
                })
              }
            />
            {t}
          </label>
        ))}
      </fieldset>
      {text('event_type', 'Event types', 'a, b')}
      {text('tags', 'Tags (all)', 'a, b')}
      {text('content_contains', 'Content contains')}
      {check('content_contains_ignore_case', 'ignore case')}
      {text('min_importance', 'Min importance', '0.5')}
      {text('since', 'Since', '7d or 2026-01-01T00:00:00Z')}
      {text('until', 'Until')}
      <Field label="Order">
        <select
          name="order"
          value={f.order}
          onChange={(e) => setF({ ...f, order: e.target.value })}
        >
          <option value="">default</option>
          <option value="desc">newest first</option>
          <option value="asc">oldest first</option>
          <option value="relevance">relevance</option>
        </select>
      </Field>
      {text('limit', 'Page size')}
      {check('include_count', 'count all matches')}
      {check('include_superseded', 'include superseded')}
      <button type="submit">Apply</button>
    </form>
  );
}

/** Memories with every filter of the list, keyword search, cursor paging, detail and forget. */
export function MemoriesView({ caller }: { readonly caller: Caller }) {
  const api = apiOf(caller);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const { data, error, busy, reload } = useLoad(
    () => api<Page & { memories: Memory[] }>('GET', `/memories${listQuery(filters, cursor)}`),
    [caller.key, filters, cursor],
  );
  const forget = forgetFilter(filters);

  return (
    <section className="memories">
      <h2>Memories</h2>
      <FilterForm
        onApply={(f) => {
          setFilters(f);
          setCursors([undefined]);
        }}
      />
      <ErrorBox error={error} />
      {busy && <p className="loading">Loading…</p>}
      {data && (
        <div className="split">
          <div>
            <p className="count" data-testid="memory-count">
              {data.count === null
                ? 'not counted'
                : `${data.count} ${data.count === 1 ? 'memory' : 'memories'}`}{' '}
              · page {cursors.length}
            </p>
            <table>
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Agent</th>
                  <th>Type</th>
                  <th>Event</th>
                  <th>Content</th>
                  <th>Tags</th>
                  <th>Imp.</th>
                  {filters.q.trim() !== '' && <th>Score</th>}
                </tr>
              </thead>
              <tbody>
                {data.memories.map((m) => (
                  <tr
                    key={m.memory_id}
                    data-memory={m.memory_id}
                    className={m.memory_id === open ? 'selected' : ''}
                    onClick={() => setOpen(m.memory_id)}
                  >
                    <td>{m.time}</td>
                    <td>{m.agent_id}</td>
                    <td>{m.memory_type}</td>
                    <td>{m.event_type}</td>
                    <td className="content-cell">{m.content}</td>
                    <td>{m.tags.join(', ')}</td>
                    <td>{m.importance}</td>
                    {filters.q.trim() !== '' && <td>{m.score?.toFixed(3)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="paging">
              {cursors.length > 1 && (
                <button onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button>
              )}
              {data.next_cursor && (
                <button onClick={() => setCursors([...cursors, data.next_cursor ?? undefined])}>
                  Next page
                </button>
              )}
            </div>
            {canWrite(caller) &&
              (typeof forget === 'string' ? (
                <p className="note">{forget}</p>
              ) : (
                <ForgetPanel
                  caller={caller}
                  filter={forget}
                  label="Forget every memory these filters match…"
                  onForgotten={() => {
                    setCursors([undefined]);
                    void reload();
                  }}
                />
              ))}
          </div>
          {open !== null && (
            <MemoryDetail
              caller={caller}
              id={open}
              onOpen={setOpen}
              onClose={() => setOpen(null)}
              onForgotten={() => {
                setOpen(null);
                void reload();
              }}
            />
          )}
        </div>
      )}
    </section>
  );
}
