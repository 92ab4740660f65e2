import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../api';
import { apiOf, ErrorBox, Field, useAction, useLoad, type Caller } from '../common';

const PERMISSIONS = ['read', 'write', 'admin'] as const;

/** The org's keys (admin keys only): create one, shown once; revoke one. */
export function KeysView({ caller }: { readonly caller: Caller }) {
  const api = apiOf(caller);
  const { data, error, reload } = useLoad(
    () => api<{ keys: ApiKey[] }>('GET', '/keys'),
    [caller.key],
  );
  const action = useAction();
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<string[]>(['read']);
  const [issued, setIssued] = useState<(ApiKey & { api_key: string }) | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setIssued(await api('POST', '/keys', { name: name.trim(), permissions }));
      setName('');
      await reload();
    });
  };
  const revoke = (id: string) =>
    action.run(async () => {
      await api('DELETE', `/keys/${encodeURIComponent(id)}`);
      setRevoking(null);
      await reload();
    });

  return (
    <section>
      <h2>API keys</h2>
      <form className="filters" onSubmit={create}>
        <Field label="Name">
          <input name="key_name" value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <fieldset>
          <legend>Permissions</legend>
          {PERMISSIONS.map((p) => (
            <label className="check" key={p}>
              <input
                type="checkbox"
                name={`permission_${p}`}
                checked={permissions.includes(p)}
                onChange={(e) =>
                  setPermissions(
                    e.target.checked ? [...permissions, p] : permissions.filter((x) => x !== p),
                  )
                }
              />
              {p}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={action.busy}>
          Create key
        </button>
      </form>
      {issued && (
        <div className="issued" role="status">
          <p>
            Key <strong>{issued.name}</strong> created. Copy it now: it is never shown again.
          </p>
          <code data-testid="issued-key">{issued.api_key}</code>
          <button onClick={() => setIssued(null)}>Done</button>
        </div>
      )}
      <ErrorBox error={action.error ?? error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Permissions</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.keys.map((k) => (
              <tr key={k.key_id} data-key={k.key_id}>
                <td>
                  <code>{k.key_id}</code>
                  {k.key_id === caller.who.key_id && ' (this one)'}
                </td>
                <td>{k.name}</td>
                <td>{k.permissions.join(', ')}</td>
                <td>{k.created_at}</td>
                <td className="actions">
                  {revoking === k.key_id ? (
                    <>
                      <button className="danger" onClick={() => revoke(k.key_id)}>
                        Revoke for good
                      </button>
                      <button onClick={() => setRevoking(null)}>Cancel</button>
                    </>
                  ) : (
                    <button onClick={() => setRevoking(k.key_id)}>Revoke…</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
