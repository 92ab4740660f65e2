import { useState } from 'react';
import { apiOf, ErrorBox, useAction, type Caller } from '../common';

/**
 * Forgets what `filter` matches, after a confirmation that shows the dry run's count: what the
 * server would delete, which is then exactly what it deletes unless memories change meanwhile.
 */
export function ForgetPanel(props: {
  readonly caller: Caller;
  readonly filter: Record<string, unknown>;
  readonly label: string;
  readonly onForgotten: (deleted: number) => void;
}) {
  const { caller, filter, label, onForgotten } = props;
  const api = apiOf(caller);
  const action = useAction();
  const [wouldDelete, setWouldDelete] = useState<number | null>(null);
  const [deleted, setDeleted] = useState<number | null>(null);

  const dryRun = () =>
    action.run(async () => {
      setDeleted(null);
      const res = await api<{ would_delete: number }>('POST', '/memories/forget', {
        ...filter,
        dry_run: true,
      });
      setWouldDelete(res.would_delete);
    });
  const confirm = () =>
    action.run(async () => {
      const res = await api<{ deleted: number }>('POST', '/memories/forget', filter);
      setWouldDelete(null);
      setDeleted(res.deleted);
      onForgotten(res.deleted);
    });

  return (
    <div className="forget">
      {wouldDelete === null ? (
        <button className="danger" onClick={dryRun} disabled={action.busy}>
          {label}
        </button>
      ) : (
        <div className="confirm" role="dialog" aria-label="Confirm forget">
          <p data-testid="would-delete">
            This forgets <strong>{wouldDelete}</strong> {wouldDelete === 1 ? 'memory' : 'memories'}{' '}
            (corrected versions included), for good.
          </p>
          <button className="danger" onClick={confirm} disabled={action.busy}>
            Forget {wouldDelete}
          </button>
          <button onClick={() => setWouldDelete(null)}>Cancel</button>
        </div>
      )}
      {deleted !== null && (
        <p className="done" data-testid="deleted">
          Forgot {deleted} {deleted === 1 ? 'memory' : 'memories'}.
        </p>
      )}
      <ErrorBox error={action.error} />
    </div>
  );
}
