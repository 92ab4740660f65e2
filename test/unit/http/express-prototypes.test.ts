import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  presetExpressPrototypes,
  type MessageClasses,
} from '../../../adapters/http/express-prototypes.js';
import { buildTestApp } from '../../support/test-app.js';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(app: express.Express, classes?: MessageClasses): Promise<number> {
  const server = classes ? http.createServer({ ...classes }, app) : http.createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A reply without what differs on every request (its date, ids, and the memory written). */
const stable = (r: Reply) => {
  const headers = { ...r.headers };
  delete headers.date;
  delete headers['x-request-id'];
  const body = r.body.replace(/"(request_id|memory_id|dedup_key|content)":"[^"]*"/g, '"$1"');
  return { status: r.status, headers, body };
};

describe('presetExpressPrototypes', () => {
  it('gives requests and responses the prototypes Express would set when a server uses them', async () => {
    // Arrange
    const app = express();
    const classes = presetExpressPrototypes(app);
    app.get('/p', (req, res) => {
      res.json({
        request: Object.getPrototypeOf(req) === classes.IncomingMessage.prototype,
        response: Object.getPrototypeOf(res) === classes.ServerResponse.prototype,
        app: req.app === app && res.app === app,
        query: req.query,
      });
    });
    const port = await serve(app, classes);

    // Act
    const reply = await send(port, 'GET', '/p?a=1');

    // Assert
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      request: true,
      response: true,
      app: true,
      query: { a: '1' },
    });
  });

  it('answers exactly as the plain server when memtrace is served with the classes', async () => {
    // Arrange
    const { app, adminKey } = await buildTestApp();
    const plain = await serve(app);
    const key = { 'x-api-key': adminKey, 'content-type': 'application/json' };
    const memory = (n: number) => JSON.stringify({ agent_id: 'a', content: `c${n}` });
    const calls = (n: number): [string, string, Record<string, string>, string?][] => [
      ['GET', '/health', {}],
      ['GET', '/api/v1/memories?agent_id=nobody', key],
      ['GET', '/api/v1/memories?nope=1', key],
      ['POST', '/api/v1/memories', key, memory(n)],
      ['POST', '/api/v1/memories', key, '{"agent_id":'],
      ['GET', '/api/v1/memories', {}],
      ['GET', '/nowhere', {}],
      ['HEAD', '/health', {}],
    ];
    const before: Reply[] = [];
    for (const [method, path, headers, body] of calls(1)) {
      before.push(await send(plain, method, path, headers, body));
    }
    const withClasses = await serve(app, presetExpressPrototypes(app));

    // Act
    const after: Reply[] = [];
    for (const [method, path, headers, body] of calls(2)) {
      after.push(await send(withClasses, method, path, headers, body));
    }

    // Assert
    expect(after.map(stable)).toEqual(before.map(stable));
  });
});
