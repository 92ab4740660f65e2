import { useState, type FormEvent } from 'react';
import type { Org } from '../api';
import { apiOf, ErrorBox, Field, useAction, useLoad, type Caller } from '../common';

/** Every org (the operator's admin keys only): create one with its first admin key, shown once. */
export function OrgsView({ caller }: { readonly caller: Caller }) {
  const api = apiOf(caller);
  const { data, error, reload } = useLoad(() => api<{ orgs: Org[] }>('GET', '/orgs'), [caller.key]);
  const action = useAction();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<(Org & { api_key: string }) | null>(null);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setCreated(await api('POST', '/orgs', { name: name.trim() }));
      setName('');
      await reload();
    });
  };

  return (
    <section>
      <h2>Orgs</h2>
      <form className="filters" onSubmit={create}>
        <Field label="Name">
          <input name="org_name" value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <button type="submit" disabled={action.busy}>
          Create org
        </button>
      </form>
      {created && (
        <div className="issued" role="status">
          <p>
            Org <strong>{created.name}</strong> created. Its first admin key, shown only now:
          </p>
          <code data-testid="issued-key">{created.api_key}</code>
          <button onClick={() => setCreated(null)}>Done</button>
        </div>
      )}
      <ErrorBox error={action.error ?? error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th>Org</th>
              <th>Name</th>
              <th>Retention</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {data.orgs.map((o) => (
              <tr key={o.org_id} data-org={o.org_id}>
                <td>
                  <code>{o.org_id}</code>
                </td>
                <td>{o.name}</td>
                <td>{o.retention ?? 'server default'}</td>
                <td>{o.created_at}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
