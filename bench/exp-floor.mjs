/* global console, process */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { httpClient, procCpuMs } from './lib/measure.mjs';
const body = JSON.parse(readFileSync('/tmp/exp/body.json', 'utf8'));
const script = (kind) => `
  const http = require('node:http');
  const body = JSON.parse(process.env.BODY);
  const buf = Buffer.from(JSON.stringify(body));
  const send = (res) => {
    if (${JSON.stringify(kind)}.endsWith('buf')) { res.writeHead(200, {'content-type':'application/json; charset=utf-8','content-length':buf.length}); res.end(buf); }
    else { const t = JSON.stringify(body); res.writeHead(200, {'content-type':'application/json; charset=utf-8','content-length':Buffer.byteLength(t)}); res.end(t); }
  };
  let server;
  if (${JSON.stringify(kind)}.startsWith('express')) {
    const express = require('express');
    const app = express(); app.disable('x-powered-by'); app.set('etag', false); app.set('query parser', 'simple');
    app.get('/api/v1/memories', (req, res) => send(res));
    server = http.createServer(app);
  } else server = http.createServer((req, res) => { req.resume(); req.on('end', () => send(res)); });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
for (const kind of ['http-buf', 'http-str', 'express-buf', 'express-str', 'http-buf', 'express-str']) {
  const proc = spawn(process.execPath, ['-e', script(kind)], { cwd: '/work/main', env: { PATH: process.env.PATH, BODY: JSON.stringify(body) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => proc.stdout.once('data', (d) => r(Number(String(d).trim()))));
  const c = httpClient(port, 'k', 1);
  const path = '/api/v1/memories?agent_id=a&session_id=s&memory_type=episodic&since=2026-01-01T00%3A00%3A00.000Z&limit=50';
  for (let i = 0; i < 500; i++) await c.request('GET', path);
  const c0 = procCpuMs(proc.pid);
  for (let i = 0; i < 5000; i++) await c.request('GET', path);
  console.log(kind, ((procCpuMs(proc.pid) - c0) / 5000).toFixed(3), 'ms/call');
  c.close(); proc.kill();
}
