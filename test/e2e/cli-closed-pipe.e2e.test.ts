import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import { DEFAULT_ORG_ID, type NewMemory } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';

/**
 * The built `memtrace` (dist/, `npx tsc -p tsconfig.build.json`) writing into a pipe whose
 * reader goes away early, as `memtrace key list | head -1` does: the command ends quietly with
 * status 0 (docs/cli.md), never with an EPIPE stack trace.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const BOOTSTRAP = `mtk_${'P'.repeat(43)}`;
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-cli-pipe-'));
const db = path.join(dir, 'pipe.db');

beforeAll(async () => {
  // Far more export than a pipe holds (64 KiB), so writes go on after the reader has left.
  const storage = await createSqliteStorage({ path: db });
  const core = createMemtrace({ storage });
  await core.auth.bootstrap(BOOTSTRAP);
  for (let k = 0; k < 5; k++) await core.auth.createKey(DEFAULT_ORG_ID, `reader_${k}`);
  const memories: NewMemory[] = Array.from({ length: 1000 }, (_, i) => ({
    agentId: 'crawler',
    content: `Crawled page ${i} of a long site whose text pads this line: ${'x'.repeat(200)}`,
  }));
  for (let i = 0; i < memories.length; i += 500) {
    await core.memories.createMany(DEFAULT_ORG_ID, memories.slice(i, i + 500));
  }
  await storage.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ended {
  readonly firstLine: string | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Runs `memtrace <args>` with stdout into a pipe whose reader closes it after the first line
 * (`afterLines: 1`), or before anything arrives (`afterLines: 0`).
 */
function runIntoClosingReader(args: string[], afterLines: 0 | 1): Promise<Ended> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      MEMTRACE_STORAGE_SQLITE_PATH: db,
      MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let firstLine: string | undefined;
  if (afterLines === 0) child.stdout.destroy();
  else {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      firstLine = line;
      lines.close();
      child.stdout.destroy();
    });
  }
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ firstLine, code, signal, stderr })),
  );
}

describe('memtrace output into a pipe closed early', () => {
  it('ends export quietly with status 0 when the reader closes after the first line', async () => {
    // Act
    const ended = await runIntoClosingReader(['export'], 1);

    // Assert
    expect(JSON.parse(ended.firstLine ?? '{}')).toMatchObject({ type: 'header' });
    expect(ended.stderr).toBe('');
    expect(ended).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('ends key list quietly with status 0 when the reader is gone before it writes', async () => {
    // Act
    const ended = await runIntoClosingReader(['key', 'list'], 0);

    // Assert
    expect(ended.stderr).toBe('');
    expect(ended).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('ends key list | head -1 quietly with status 0 in a shell pipeline', async () => {
    // Act: as a reader types it, with pipefail so memtrace's own status counts
    const ended = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(
          'bash',
          ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" key list | head -1`],
          {
            cwd: dir,
            env: {
              PATH: process.env.PATH ?? '',
              HOME: dir,
              MEMTRACE_STORAGE_SQLITE_PATH: db,
              MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
            },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );

    // Assert
    expect(ended.stdout).toMatch(/^key_[0-9a-f]{24}\t/);
    expect(ended.stdout.split('\n')).toHaveLength(2);
    expect(ended.stderr).toBe('');
    expect(ended.code).toBe(0);
  }, 60_000);
});
