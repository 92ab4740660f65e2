import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
const README = path.resolve(import.meta.dirname, '../../README.md');

/** The first bash block of the README's "Walk-through" section, as written. */
function walkThrough(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Walk-through'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README has no walk-through block');
  return block;
}

describe('README walk-through', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-readme-'));
  const key = aBootstrapKey();
  let server: ServerProcess;

  beforeAll(async () => {
    server = spawnServer(
      {
        MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'readme.db'),
        MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
      },
      await freePort(),
    );
    await waitUntilHealthy(server);
  });
  afterAll(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every command as written, each answered with a 2xx', async () => {
    // Only the key and the port differ from what a reader types; curl fails on any 4xx/5xx.
    const script = walkThrough()
      .replace('export KEY=mtk_...', `export KEY=${key}`)
      .replaceAll('http://localhost:9100', server.url);
    const prelude =
      'set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; echo; }\n';
    const { stdout } = await run('bash', ['-c', prelude + script], { timeout: 60_000 });
    const replies = stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(replies).toHaveLength(script.match(/^curl /gm)?.length ?? -1);
    const context = replies.find((r) => typeof r.context === 'string');
    expect(context.context).toBe(
      '## Session Context (sess_abc123)\n\n' +
        '### Recent Actions (1)\n- Crawled https://example.com — found 3 product pages\n\n' +
        '### Decisions (1)\n- Decided to focus on product category A based on higher engagement',
    );
    const stats = replies.find((r) => 'memory_types' in r);
    expect(stats).toMatchObject({ memory_count: 3, session_count: 1, active_sessions: 1 });
  }, 90_000);
});
