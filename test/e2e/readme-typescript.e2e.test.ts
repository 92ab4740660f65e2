import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SDK = pathToFileURL(path.join(ROOT, 'sdk/typescript/src/index.ts')).href;

/** The ts block of the README's "TypeScript SDK" section, as written. */
function example(): string {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = text.slice(text.indexOf('## TypeScript SDK'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README has no TypeScript SDK example');
  return block;
}

describe('README TypeScript SDK example', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-readme-ts-'));
  const key = aBootstrapKey();
  let server: ServerProcess;

  beforeAll(async () => {
    server = spawnServer(
      { MEMTRACE_STORAGE_DRIVER: 'memory', MEMTRACE_AUTH_BOOTSTRAP_KEY: key },
      await freePort(),
    );
    await waitUntilHealthy(server);
  });
  afterAll(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written against a server and reports the duplicate', async () => {
    // Only the package name (not installed from the registry here) and the port change.
    const source = example()
      .replace("'@basekick-labs/memtrace-sdk'", `'${SDK}'`)
      .replaceAll('http://localhost:9100', server.url);
    // .mts: the example uses top-level await, which needs an ES module.
    const file = path.join(dir, 'example.mts');
    writeFileSync(file, source);

    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', MEMTRACE_API_KEY: key },
      timeout: 60_000,
    });

    expect(stdout.trim()).toMatch(/^duplicate of mem_[0-9a-f]{24}$/);
    const list = await fetch(`${server.url}/api/v1/memories?agent_id=agent_web_crawler`, {
      headers: { 'x-api-key': key },
    });
    expect(((await list.json()) as { count: number }).count).toBe(3);
  }, 90_000);
});
