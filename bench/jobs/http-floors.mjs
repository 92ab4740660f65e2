// What answering a list costs below memtrace's own code: the server CPU per call of four bare
// servers answering the same 50-memory list body (made by memtrace's service and wire mapping
// from a loaded store): node:http sending the bytes (the request path's floor), node:http making
// them with JSON.stringify on each call, and the same two behind Express 5 with one route and
// the settings memtrace's app uses. The difference between the floor and Express with
// JSON.stringify is what any Express server answering JSON spends that the floor does not.
// Usage: node --import tsx jobs/http-floors.mjs <store.db> <out.json> [--calls 5000] [--warmup 500]
/* global console, process, URL */
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ORG, queryPlan } from '../lib/dataset.mjs';
import { httpClient, procCpuMs, round } from '../lib/measure.mjs';

const argv = process.argv.slice(2);
const [source, out] = argv;
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const CALLS = Number(opt('calls', '5000'));
const WARMUP = Number(opt('warmup', '500'));
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

// The body: the fullest page of the first 50 q1 lists, as memtrace answers it.
const file = path.join(os.tmpdir(), `http-floors-${process.pid}.db`);
copyFileSync(source, file);
const { openStorage, createMemtrace } = await import('../../src/core.ts');
const { toMemoryListResponse } = await import('../../adapters/wire/memory.response.ts');
const store = await openStorage({ driver: 'sqlite', path: file });
const memtrace = createMemtrace({ storage: store, ids: { next: () => 'unused' } });
let fullest = null;
for (const x of queryPlan(50, 0).q1) {
  const list = await memtrace.memories.list(ORG, {
    agentId: x.agent,
    sessionId: x.session,
    memoryTypes: [x.type],
    since: new Date(x.since).toISOString(),
    limit: 50,
  });
  if (fullest === null || list.memories.length > fullest.memories.length) fullest = list;
}
await store.close();
for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
const body = JSON.stringify(toMemoryListResponse(fullest));

const server = (kind) => `
  const http = require('node:http');
  const body = JSON.parse(process.env.BODY);
  const bytes = Buffer.from(JSON.stringify(body));
  const send = (res) => {
    const text = ${kind.endsWith('stringify')} ? JSON.stringify(body) : bytes;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  let server;
  if (${kind.startsWith('express')}) {
    const express = require('express');
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.set('query parser', 'simple');
    app.get('/api/v1/memories', (req, res) => send(res));
    server = http.createServer(app);
  } else {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => send(res));
    });
  }
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const KINDS = ['node_http_bytes', 'node_http_stringify', 'express_bytes', 'express_stringify'];
const listPath = (x) =>
  `/api/v1/memories?agent_id=${x.agent}&session_id=${x.session}&memory_type=${x.type}&since=${encodeURIComponent(new Date(x.since).toISOString())}&limit=50`;
const plan = queryPlan(CALLS, WARMUP);
const report = { source, calls: CALLS, warmup: WARMUP, responseBytes: body.length, lanes: {} };
// Twice each, alternating, so a drift of the machine shows as a difference between the runs.
for (const run of [1, 2]) {
  for (const kind of KINDS) {
    const proc = spawn(process.execPath, ['-e', server(kind)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', BODY: body },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise((resolve, reject) => {
      proc.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      proc.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
    });
    const client = httpClient(port, 'mtk_floor', 1);
    try {
      for (let i = 0; i < WARMUP; i++) await client.request('GET', listPath(plan.q1[i]));
      const cpu0 = procCpuMs(proc.pid);
      for (let i = 0; i < CALLS; i++) {
        const res = await client.request('GET', listPath(plan.q1[WARMUP + i]));
        if (res.status !== 200 || res.body.length !== body.length)
          throw new Error(`${kind}: bad answer`);
      }
      const perCall = round((procCpuMs(proc.pid) - cpu0) / CALLS);
      (report.lanes[kind] ??= []).push(perCall);
      console.error(`[http-floors] run ${run} ${kind}: ${perCall} ms server CPU per call`);
    } finally {
      client.close();
      proc.kill();
    }
  }
}
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
