// Which phase of a read job raises the memtrace server's peak RSS: the server's VmRSS / VmHWM
// after start, after 30 contexts of the benchmark's 10,000-memory session (max_tokens 2000), and
// after 40 batches of 1,000 memories from two clients. Runs on a copy of a loaded SQLite read
// store (bench/data/read-<N>-ctx10000.db), so the store itself is left as it was.
//   node --import tsx bench/rss-probe.mjs bench/data/read-10000-ctx10000.db [context,ingest]
// MEMTRACE_BENCH_SERVER names the server's main.js (dist/src/main.js), else it runs through tsx.
/* global console, process */
import { copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CONTEXT_SESSION, dataset, toApiBody } from './lib/dataset.mjs';
import { httpClient } from './lib/measure.mjs';
import { removeSqlite, startServer } from './lib/memtrace.mjs';

const [source, order = 'context,ingest'] = process.argv.slice(2);
const file = path.join(os.tmpdir(), `rss-probe-${process.pid}.db`);
copyFileSync(source, file);
{
  // The server's first-run bootstrap then installs this run's key on the copy.
  const db = new Database(file);
  db.exec('DELETE FROM api_keys; DELETE FROM orgs');
  db.close();
}
const server = await startServer('sqlite', { file });
const client = httpClient(server.port, server.key, 4);
const ok = (res) => {
  if (res.status >= 300) throw new Error(`${res.status}: ${res.body.slice(0, 300)}`);
};
const out = { afterStart: server.memory() };
try {
  for (const phase of order.split(',')) {
    if (phase === 'context') {
      const body = JSON.stringify({ max_tokens: 2000 });
      for (let i = 0; i < 30; i++) {
        ok(await client.request('POST', `/api/v1/sessions/${CONTEXT_SESSION.id}/context`, body));
      }
    } else if (phase === 'ingest') {
      const items = [...dataset(40_000)].map(toApiBody);
      const batch = (i) => JSON.stringify({ memories: items.slice(i * 1000, (i + 1) * 1000) });
      for (let i = 0; i < 40; i += 2) {
        const pair = await Promise.all([
          client.request('POST', '/api/v1/memories', batch(i)),
          client.request('POST', '/api/v1/memories', batch(i + 1)),
        ]);
        pair.forEach(ok);
      }
    } else throw new Error(`unknown phase ${phase}`);
    out[`after_${phase}`] = server.memory();
  }
} finally {
  client.close();
  await server.stop();
  removeSqlite(file);
}
console.log(JSON.stringify(out));
