import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEntry } from '../support/entry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-cli-arc-'));
const DB = path.join(dir, 'cli.db');
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const SECRET = 'arc-plaintext-secret-5a6b7c8d';
const env = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  MEMTRACE_STORAGE_SQLITE_PATH: DB,
  MEMTRACE_AUTH_BOOTSTRAP_KEY: `mtk_${'A'.repeat(43)}`,
  MEMTRACE_LOG_LEVEL: 'warn',
  MEMTRACE_MASTER_KEY: MASTER_KEY,
};

/** Runs `memtrace <args>` from source, with `input` on stdin; resolves with its output and code. */
function memtrace(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...nodeEntry('src/cli/main.ts'), ...args],
      { env: { ...env, ...options.env }, cwd: ROOT },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

let orgId: string;

beforeAll(async () => {
  const created = await memtrace(['org', 'create', 'acme']);
  orgId = /org created: (org_[0-9a-f]{24})/.exec(created.stdout)?.[1] as string;
  expect(orgId).toBeDefined();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memtrace org add-arc, show-arc, remove-arc', () => {
  // The next three tests run in order on one org: add, replace, remove.
  it('adds an instance and shows it, saying a key is set but never printing it', async () => {
    // Act
    const added = await memtrace([
      'org',
      'add-arc',
      orgId,
      '--url',
      'http://127.0.0.1:8181/',
      '--database',
      'acme_db',
      '--api-key',
      SECRET,
    ]);
    const shown = await memtrace(['org', 'show-arc', orgId]);

    // Assert
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`added the Arc instance of ${orgId}`);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('url: http://127.0.0.1:8181\n');
    expect(shown.stdout).toContain('database: acme_db\n');
    expect(shown.stdout).toContain('measurement: events\n');
    expect(shown.stdout).toContain('api_key: set (stored encrypted)\n');
    for (const r of [added, shown]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('replaces the instance, reading the key from stdin with --api-key -', async () => {
    const replaced = await memtrace(
      [
        'org',
        'add-arc',
        orgId,
        '--url',
        'https://arc.acme.internal',
        '--database',
        'acme2',
        '--measurement',
        'agent_events',
        '--api-key',
        '-',
      ],
      { input: `${SECRET}\n` },
    );

    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain(`replaced the Arc instance of ${orgId}`);
    expect(replaced.stdout).toContain('measurement: agent_events\n');
    expect(replaced.stdout).toContain('api_key: set (stored encrypted)\n');
    expect(replaced.stdout + replaced.stderr).not.toContain(SECRET);
  });

  it('removes the instance once, then says there is nothing to remove (exit 1)', async () => {
    const removed = await memtrace(['org', 'remove-arc', orgId]);
    const again = await memtrace(['org', 'remove-arc', orgId]);

    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('uses the default one again');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no Arc instance of its own: nothing to remove');
  });

  it('keeps the key at rest only sealed: not in the row, not anywhere in the database files', async () => {
    // Act
    const added = await memtrace(
      [
        'org',
        'add-arc',
        orgId,
        '--url',
        'http://127.0.0.1:8181',
        '--database',
        'acme_db',
        '--api-key',
        '-',
      ],
      { input: SECRET },
    );

    // Assert
    expect(added.code).toBe(0);
    const db = new Database(DB, { readonly: true });
    const row = db
      .prepare<[string], { api_key_sealed: string }>(
        'SELECT api_key_sealed FROM arc_instances WHERE org_id = ?',
      )
      .get(orgId);
    db.close();
    expect(row?.api_key_sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(row?.api_key_sealed).not.toContain(SECRET);
    for (const suffix of ['', '-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(DB + suffix);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
      expect(bytes.includes(Buffer.from(MASTER_KEY))).toBe(false);
    }
  });

  it('fails with a clear message and stores nothing when a key is given without MEMTRACE_MASTER_KEY', async () => {
    const other = /org created: (org_[0-9a-f]{24})/.exec(
      (await memtrace(['org', 'create', 'beta'])).stdout,
    )?.[1] as string;

    const res = await memtrace(
      [
        'org',
        'add-arc',
        other,
        '--url',
        'http://127.0.0.1:8181',
        '--database',
        'beta',
        '--api-key',
        SECRET,
      ],
      { env: { MEMTRACE_MASTER_KEY: '' } },
    );

    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/MEMTRACE_MASTER_KEY is not set/);
    const db = new Database(DB, { readonly: true });
    const count = db.prepare('SELECT count(*) FROM arc_instances WHERE org_id = ?').pluck();
    expect(count.get(other)).toBe(0);
    db.close();
  });

  it('refuses a malformed MEMTRACE_MASTER_KEY without echoing it', async () => {
    const res = await memtrace(['org', 'show-arc', orgId], {
      env: { MEMTRACE_MASTER_KEY: 'not-a-32-byte-key' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/MEMTRACE_MASTER_KEY must be 32 random bytes/);
    expect(res.stderr).not.toContain('not-a-32-byte-key');
  });

  it.each([
    [['--url', 'ftp://x', '--database', 'acme'], /^memtrace: url must be/m],
    [['--url', 'http://x', '--database', '1acme'], /^memtrace: database must start/m],
    [
      ['--url', 'http://x', '--database', 'acme', '--measurement', 'a.b'],
      /^memtrace: measurement/m,
    ],
  ])('exits 1 naming the field when add-arc gets %j', async (options, message) => {
    const res = await memtrace(['org', 'add-arc', orgId, ...options]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it('exits 2 with usage when --url or --database is missing', async () => {
    const res = await memtrace(['org', 'add-arc', orgId, '--url', 'http://x']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--database/);
  });

  it('exits 1 with "org not found" for an unknown org', async () => {
    const res = await memtrace(['org', 'show-arc', 'org_000000000000000000000999']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('org not found');
  });
});
