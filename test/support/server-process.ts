import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { nodeEntry } from './entry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
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
