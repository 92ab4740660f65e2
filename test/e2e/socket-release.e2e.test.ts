import { readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDriver, type ServerStore } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from '../support/server-process.js';

/** The sockets a process holds open, from /proc (Linux). */
function openSockets(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count++;
    } catch {
      // closed between the listing and the read
    }
  }
  return count;
}

interface HeldClient {
  readonly socket: Socket;
  /** The bytes the server sent, once it has ended its side. */
  readonly answer: Promise<string>;
}

/**
 * A client that never closes its side: it ignores the server's FIN (allowHalfOpen), as a
 * client that leaves its connection open does.
 */
function holdOpen(port: number, send: (socket: Socket) => void): HeldClient {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let received = '';
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
  socket.on('connect', () => send(socket));
  return { socket, answer };
}

const KINDS: readonly { name: string; status: number; send: (s: Socket) => void }[] = [
  { name: 'idle', status: 408, send: () => undefined },
  {
    name: 'slow headers',
    status: 408,
    send: (s) => s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
  },
  { name: 'not HTTP', status: 400, send: (s) => s.write('HELLO\r\n\r\n') },
  {
    name: 'oversized headers',
    status: 431,
    send: (s) => s.write(`GET /health HTTP/1.1\r\nX-Filler: ${'f'.repeat(4096)}\r\n\r\n`),
  },
];

describe('Server.clientErrors', () => {
  let store: ServerStore;
  let server: ServerProcess;
  const clients: HeldClient[] = [];

  beforeAll(async () => {
    store = await sqliteDriver.open();
    server = await startServerProcess({
      ...store.env,
      MEMTRACE_AUTH_BOOTSTRAP_KEY: aBootstrapKey(),
      MEMTRACE_SERVER_MAX_HEADER_BYTES: '2048',
      MEMTRACE_SERVER_HEADERS_TIMEOUT: '1',
      MEMTRACE_SERVER_REQUEST_TIMEOUT: '2',
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await stopServerProcess(server);
    await store.close();
  });

  it('releases every socket it answered with 408, 400 or 431 while the clients keep theirs open', async () => {
    // Arrange
    const pid = server.proc.pid as number;
    const port = Number(new URL(server.url).port);
    const baseline = openSockets(pid);
    const perKind = 50;

    // Act
    for (const kind of KINDS) {
      for (let i = 0; i < perKind; i++) clients.push(holdOpen(port, kind.send));
    }
    const answers = await Promise.all(clients.map((c) => c.answer));

    // Assert: each got its JSON answer, and the server let go of every one of those sockets
    const statuses = answers.map((a) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(a)?.[1]));
    expect(statuses).toEqual(KINDS.flatMap((k) => Array<number>(perKind).fill(k.status)));
    for (const a of answers) expect(a).toContain('"error":"invalid_request"');
    let held = openSockets(pid);
    for (const deadline = Date.now() + 5000; held > baseline && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      held = openSockets(pid);
    }
    expect(held).toBeLessThanOrEqual(baseline);
    expect(clients.every((c) => !c.socket.destroyed)).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 60_000);
});
