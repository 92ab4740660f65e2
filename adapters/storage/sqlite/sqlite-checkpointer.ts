import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the background connection moves the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * WAL pages at which the request thread's own connection still checkpoints (SQLite's default is
 * 1,000): a backstop reached only when the background checkpoints cannot keep up, e.g. while a
 * long read holds old pages.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 16_384;

// The worker's code: a connection of its own that runs PASSIVE checkpoints, which never wait for
// and never block a reader or the writer; it stops when told, closing its connection.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or failing: the next tick tries again, the backstop still holds
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  process.exit(0);
});
parentPort.postMessage('ready');
`;

/** The checkpoints of a WAL database, run off the request thread. */
export interface BackgroundCheckpoints {
  /** Stops them and closes their connection; call before closing the database. */
  stop(): Promise<void>;
}

/**
 * Moves the WAL's checkpoints off the thread that answers requests. SQLite checkpoints in the
 * connection whose commit fills the WAL past `wal_autocheckpoint` pages, inside that commit:
 * better-sqlite3 is synchronous, so that commit, and every request queued behind it, waits
 * while about 4 MB are copied into the database file and synced. Here a worker thread with its
 * own connection runs a PASSIVE checkpoint every {@link CHECKPOINT_INTERVAL_MS}, and the
 * request thread's connection only checkpoints past {@link BACKSTOP_CHECKPOINT_PAGES}.
 * Nothing for a database that is not a file in WAL mode.
 */
export async function checkpointInBackground(
  db: Database.Database,
  path: string,
): Promise<BackgroundCheckpoints> {
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode !== 'wal') return { stop: async () => undefined };
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      path,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  // Without the worker (it could not open the file), SQLite's own checkpoints stay as they were.
  if (!ready) return { stop: async () => undefined };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        worker.postMessage('stop');
        const timer = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
        if (db.open) db.pragma('wal_autocheckpoint = 1000');
      })()),
  };
}
