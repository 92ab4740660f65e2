import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import { DEFAULT_ORG_ID } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import { FixedClock } from '../support/fixed-clock.js';
import { TEST_START } from '../support/test-app.js';
import { nodeEntry } from '../support/entry.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-wording-'));
const BOOTSTRAP = `mtk_${'W'.repeat(43)}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `memtrace <args>` from source on the SQLite file `db`. */
async function memtrace(db: string, ...args: string[]) {
  return exec(process.execPath, [...nodeEntry('src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      MEMTRACE_STORAGE_SQLITE_PATH: db,
      MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
      MEMTRACE_LOG_LEVEL: 'warn',
    },
  });
}

describe('memtrace export and import summaries', () => {
  it('counts one agent, one session and one memory in the singular', async () => {
    // Arrange: an org with one of each
    const source = path.join(dir, 'one.db');
    const file = path.join(dir, 'one.ndjson');
    const store = await createSqliteStorage({ path: source });
    const clock = new FixedClock(TEST_START);
    const core = createMemtrace({ storage: store, clock });
    await core.auth.bootstrap(BOOTSTRAP);
    await core.agents.register(DEFAULT_ORG_ID, {
      name: 'crawler',
      description: null,
      config: null,
    });
    const session = await core.sessions.create(DEFAULT_ORG_ID, {
      agentId: 'crawler',
      metadata: null,
    });
    await core.memories.create(DEFAULT_ORG_ID, {
      agentId: 'crawler',
      sessionId: session.id,
      content: 'one',
    });
    await store.close();

    // Act
    const exported = await memtrace(source, 'export', '--output', file);
    const imported = await memtrace(path.join(dir, 'copy.db'), 'import', file);

    // Assert
    expect(exported.stderr).toContain('exported 1 agent, 1 session and 1 memory of org_default');
    expect(imported.stdout).toContain(
      'imported 1 agent, 1 session and 1 memory into org_default; skipped 0 already present',
    );
  }, 60_000);
});
