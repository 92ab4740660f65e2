import { useEffect, useState, type FormEvent } from 'react';
import { call, forgetKey, storedKey, storeKey, type Whoami } from './api';
import { ErrorBox, Field, isAdmin, messageOf, type Caller } from './common';
import { AgentsView } from './views/AgentsView';
import { ContextView } from './views/ContextView';
import { KeysView } from './views/KeysView';
import { MemoriesView } from './views/MemoriesView';
import { OrgsView } from './views/OrgsView';
import { SessionsView } from './views/SessionsView';

type View = 'agents' | 'sessions' | 'memories' | 'context' | 'keys' | 'orgs';

function SignIn({ onSignedIn }: { readonly onSignedIn: (c: Caller) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const who = await call<Whoami>(key.trim(), 'GET', '/auth/whoami');
      storeKey(key.trim());
      onSignedIn({ key: key.trim(), who });
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form className="signin" onSubmit={submit}>
      <h1>memtrace console</h1>
      <p>
        Sign in with an API key. It is kept in this tab only (sessionStorage) and sent in the
        <code>x-api-key</code> header.
      </p>
      <Field label="API key">
        <input
          name="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
        />
      </Field>
      <button type="submit">Sign in</button>
      <ErrorBox error={error} />
    </form>
  );
}

export function App() {
  const [caller, setCaller] = useState<Caller | null>(null);
  const [restoring, setRestoring] = useState(storedKey() !== null);
  const [view, setView] = useState<View>('memories');
  const [contextSession, setContextSession] = useState('');

  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    call<Whoami>(key, 'GET', '/auth/whoami')
      .then((who) => setCaller({ key, who }))
      .catch(() => forgetKey())
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return <p className="loading">Loading…</p>;
  if (caller === null) return <SignIn onSignedIn={setCaller} />;

  const views: [View, string][] = [
    ['agents', 'Agents'],
    ['sessions', 'Sessions'],
    ['memories', 'Memories'],
    ['context', 'Context preview'],
    ...(isAdmin(caller) ? ([['keys', 'Keys']] as [View, string][]) : []),
    ...(caller.who.operator ? ([['orgs', 'Orgs']] as [View, string][]) : []),
  ];
  const signOut = () => {
    forgetKey();
    setCaller(null);
  };
  const openContext = (sessionId: string) => {
    setContextSession(sessionId);
    setView('context');
  };

  return (
    <div className="app">
      <header>
        <strong>memtrace</strong>
        <nav>
          {views.map(([id, label]) => (
            <button
              key={id}
              className={id === view ? 'tab active' : 'tab'}
              onClick={() => setView(id)}
              data-view={id}
            >
              {label}
            </button>
          ))}
        </nav>
        <span className="who" data-testid="who">
          {caller.who.org_id} · {caller.who.permissions.join(', ')}
        </span>
        <button onClick={signOut}>Sign out</button>
      </header>
      <main>
        {view === 'agents' && <AgentsView caller={caller} />}
        {view === 'sessions' && <SessionsView caller={caller} onContext={openContext} />}
        {view === 'memories' && <MemoriesView caller={caller} />}
        {view === 'context' && <ContextView caller={caller} initialSession={contextSession} />}
        {view === 'keys' && <KeysView caller={caller} />}
        {view === 'orgs' && <OrgsView caller={caller} />}
      </main>
    </div>
  );
}
