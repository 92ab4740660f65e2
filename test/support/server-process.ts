import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { nodeEntry } from './entry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Ports {@link freePort} hands out per vitest worker, below Linux's ephemeral range (32768+). */
const PORTS_PER_WORKER = 1000;
const FIRST_PORT = 20_000;
const WORKER_RANGES = 12;
/** Ports handed out by this process, not handed out again (their server may not listen yet). */
const handedOut = new Set<number>();

/** Whether nothing listens on `port` of 127.0.0.1 now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 for a process to listen on, from this vitest worker's own range
 * below the ephemeral range. A port the kernel picks (listen on 0) would be free too, but the
 * process binds it only a second or more later, and meanwhile another test file running beside
 * this one (supertest listens on a new ephemeral port for every request) may be given it: the
 * server would then fail to bind while /health was answered by the other file's listener.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  const first = FIRST_PORT + ((worker - 1) % WORKER_RANGES) * PORTS_PER_WORKER;
  for (let tries = 0; tries < 100; tries++) {
    const port = first + Math.floor(Math.random() * PORTS_PER_WORKER);
    if (handedOut.has(port) || !(await isFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${first}-${first + PORTS_PER_WORKER - 1}`);
}

export const aBootstrapKey = () => `mtk_${randomBytes(32).toString('base64url')}`;

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Starts `src/main.ts` (see {@link nodeEntry}) as a real process on 127.0.0.1. */
export function spawnServer(env: Record<string, string>, port: number): ServerProcess {
  const proc = spawn(process.execPath, nodeEntry('src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      MEMTRACE_SERVER_HOST: '127.0.0.1',
      MEMTRACE_SERVER_PORT: String(port),
      MEMTRACE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { proc, url: `http://127.0.0.1:${port}`, stdout: () => out, stderr: () => err, exited };
}

/** Polls /health until the server answers; fails if the process ends or time runs out. */
export async function waitUntilHealthy(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void server.exited.then(() => (ended = true));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`server exited early: ${server.stderr()}`);
    try {
      const res = await fetch(`${server.url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms: ${server.stderr()}`);
}

/** {@link spawnServer} on a free port, resolved once /health answers. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = spawnServer(env, await freePort());
  await waitUntilHealthy(server);
  return server;
}

/** Sends SIGTERM and waits for the process to end (nothing to do when it never started). */
export async function stopServerProcess(server: ServerProcess | undefined): Promise<void> {
  if (server === undefined) return;
  server.proc.kill('SIGTERM');
  await server.exited;
}
