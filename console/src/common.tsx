import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, call, type Whoami } from './api';

/** What every view gets: the key to call with and what it may do. */
export interface Caller {
  readonly key: string;
  readonly who: Whoami;
}

export const canWrite = (c: Caller): boolean => c.who.permissions.includes('write');
export const isAdmin = (c: Caller): boolean => c.who.permissions.includes('admin');

export type Api = <T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
) => Promise<T>;

export const apiOf =
  (c: Caller): Api =>
  (method, path, body) =>
    call(c.key, method, path, body);

export const messageOf = (e: unknown): string =>
  e instanceof ApiError || e instanceof Error ? e.message : String(e);

/** The server's message of a failed call, as every view shows it. */
export function ErrorBox({ error }: { readonly error: string | null }) {
  if (error === null) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

/**
 * Runs `load` now and whenever `deps` change; `reload` runs it again. Its failure is the
 * server's message.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    setBusy(true);
    try {
      setData(await run());
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, busy, reload, setData };
}

/** Runs an action, keeping its failure's message for an {@link ErrorBox}. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

export const Json = ({ value }: { readonly value: unknown }) => (
  <pre className="json">{JSON.stringify(value, null, 2)}</pre>
);

export const Field = ({
  label,
  children,
}: {
  readonly label: string;
  readonly children: ReactNode;
}) => (
  <label className="field">
    <span>{label}</span>
    {children}
  </label>
);

/** `a, b ,c` → ['a', 'b', 'c']. */
export const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
