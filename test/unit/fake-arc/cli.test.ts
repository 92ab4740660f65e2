import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listParquetFiles } from '../../support/fake-arc/index.js';
import { write } from './arc-client.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'test/support/fake-arc/cli.ts');

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts `arc:dev` (as package.json runs it) and resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve({ url: line.trim(), proc });
    });
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    proc.once('exit', (code) => reject(new Error(`arc:dev exited ${code}: ${err}`)));
  });
}

const exitCode = (proc: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });

describe('npm run arc:dev (§2.2 standalone)', () => {
  it('§2.2/§1.7 prints its URL for --port 0, serves /health, and exits 0 on SIGTERM', async () => {
    const { url, proc } = await startCli(['--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    proc.kill('SIGTERM');
    expect(await exitCode(proc)).toBe(0);
  });

  it('§1.10/§1.8 turns auth on with --token, keeps data in --data, flushes on SIGINT and exits 0', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'arc-dev-'));
    try {
      const { url, proc } = await startCli([
        '--port',
        '0',
        '--token',
        'secret',
        '--data',
        dir,
        '--buffer-age',
        '60000',
      ]);
      const arc = { url } as Parameters<typeof write>[0];
      const payload = { m: 'cpu', columns: { time: [1_700_000_000_000_000n], v: [1.5] } };
      expect((await write(arc, 'd', payload)).status).toBe(401);
      const ok = await write(arc, 'd', payload, { headers: { authorization: 'Bearer secret' } });
      expect(ok.status).toBe(204);
      expect(await listParquetFiles(dir)).toEqual([]); // still buffered
      proc.kill('SIGINT');
      expect(await exitCode(proc)).toBe(0);
      expect(await listParquetFiles(path.join(dir, 'd', 'cpu'))).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
