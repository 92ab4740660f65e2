import { useState, type FormEvent } from 'react';
import { apiOf, ErrorBox, Field, useAction, type Caller } from '../common';

interface ContextAnswer {
  readonly context: string;
  readonly tokens: number;
  readonly tokenizer: string;
  readonly memory_count: number;
  readonly omitted_count: number;
  readonly truncated: boolean;
}

/** A session's LLM-ready context as the API answers it, within a `max_tokens` budget. */
export function ContextView(props: { readonly caller: Caller; readonly initialSession: string }) {
  const api = apiOf(props.caller);
  const [session, setSession] = useState(props.initialSession);
  const [maxTokens, setMaxTokens] = useState('');
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<ContextAnswer | null>(null);
  const action = useAction();

  const preview = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setAnswer(null);
      const body = {
        ...(maxTokens.trim() !== '' ? { max_tokens: Number(maxTokens) } : {}),
        ...(query.trim() !== '' ? { query: query.trim() } : {}),
      };
      setAnswer(
        await api<ContextAnswer>(
          'POST',
          `/sessions/${encodeURIComponent(session.trim())}/context`,
          body,
        ),
      );
    });
  };

  return (
    <section>
      <h2>Context preview</h2>
      <form className="filters" onSubmit={preview}>
        <Field label="Session">
          <input
            name="session_id"
            value={session}
            onChange={(e) => setSession(e.target.value)}
            required
          />
        </Field>
        <Field label="max_tokens">
          <input
            name="max_tokens"
            type="number"
            min={1}
            placeholder="no budget"
            value={maxTokens}
            onChange={(e) => setMaxTokens(e.target.value)}
          />
        </Field>
        <Field label="Rank by keywords">
          <input name="query" value={query} onChange={(e) => setQuery(e.target.value)} />
        </Field>
        <button type="submit" disabled={action.busy}>
          Preview
        </button>
      </form>
      <ErrorBox error={action.error} />
      {answer && (
        <>
          <p className="count">
            <span data-testid="tokens">{answer.tokens}</span> tokens ({answer.tokenizer}) ·{' '}
            {answer.memory_count} memories · {answer.omitted_count} left out
            {answer.truncated ? ' · cut to fit max_tokens' : ''}
          </p>
          <pre className="context" data-testid="context">
            {answer.context}
          </pre>
        </>
      )}
    </section>
  );
}
