import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import { DEFAULT_ORG_ID, type NewMemory } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import { nodeEntry } from '../support/entry.js';

/** `memtrace forget` from source on a SQLite file that the test fills and reads directly. */

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-cli-forget-'));
const BOOTSTRAP = `mtk_${'F'.repeat(43)}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let dbCount = 0;

/** A fresh store holding `memories` of the default org (and `other` of a second org). */
async function aStore(memories: NewMemory[], other: NewMemory[] = []) {
  const db = path.join(dir, `forget-${++dbCount}.db`);
  const storage = await createSqliteStorage({ path: db });
  const core = createMemtrace({ storage });
  await core.auth.bootstrap(BOOTSTRAP);
  const ids = [];
  for (const m of memories) ids.push((await core.memories.create(DEFAULT_ORG_ID, m)).id);
  const otherOrg = (await core.auth.createOrg('other')).org.id;
  for (const m of other) await core.memories.create(otherOrg, m);
  await storage.close();
  return { db, ids, otherOrg };
}

/** The contents of an org's memories, oldest first. */
async function contents(db: string, orgId: string = DEFAULT_ORG_ID): Promise<string[]> {
  const storage = await createSqliteStorage({ path: db });
  try {
    const page = await createMemtrace({ storage }).memories.list(orgId, {
      order: 'asc',
      since: '30d',
    });
    return page.memories.map((m) => m.content);
  } finally {
    await storage.close();
  }
}

/** Runs `memtrace forget <args>` on `db`: stdout, stderr and the exit code. */
async function forget(db: string, args: string[], level = 'warn') {
  try {
    const r = await exec(process.execPath, [...nodeEntry('src/cli/main.ts'), 'forget', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        MEMTRACE_STORAGE_SQLITE_PATH: db,
        MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
        MEMTRACE_LOG_LEVEL: level,
        MEMTRACE_LOG_FORMAT: 'json',
      },
    });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

const note = (content: string, extra: Partial<NewMemory> = {}): NewMemory => ({
  agentId: 'crawler',
  content,
  ...extra,
});

describe('memtrace forget', () => {
  it('counts on --dry-run in the plural, then forgets in the singular, only what every filter matches', async () => {
    // Arrange
    const { db } = await aStore([
      note('keep'),
      note('draft 1', { tags: ['draft'] }),
      note('draft 2', { tags: ['draft'], memoryType: 'decision' }),
      note('other agent draft', { agentId: 'writer', tags: ['draft'] }),
    ]);

    // Act
    const dry = await forget(db, ['--agent', 'crawler', '--tags', 'draft', '--dry-run']);
    const afterDry = await contents(db);
    const one = await forget(db, ['--agent', 'crawler', '--tags', 'draft', '--type', 'decision']);
    const rest = await forget(db, ['--agent', 'crawler', '--tags', 'draft', '--since', '1h']);

    // Assert
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toBe('would forget 2 memories of org_default (dry run: nothing deleted)\n');
    expect(afterDry).toHaveLength(4);
    expect(one.stdout).toBe('forgot 1 memory of org_default\n');
    expect(rest.stdout).toBe('forgot 1 memory of org_default\n');
    expect(await contents(db)).toEqual(['keep', 'other agent draft']);
  }, 60_000);

  it('forgets what --query matches with the other filters, counting it first on --dry-run', async () => {
    // Arrange
    const { db } = await aStore([
      note('staging password rotated'),
      note('the staging server is slow'),
      note('production password rotated'),
      note('staging password noted', { agentId: 'writer' }),
    ]);

    // Act
    const dry = await forget(db, [
      '--agent',
      'crawler',
      '--query',
      'staging password',
      '--dry-run',
    ]);
    const done = await forget(db, ['--agent', 'crawler', '--query', 'staging password']);
    const noWord = await forget(db, ['--query', '"" ()']);

    // Assert
    expect(dry.stdout).toBe('would forget 1 memory of org_default (dry run: nothing deleted)\n');
    expect(done.stdout).toBe('forgot 1 memory of org_default\n');
    expect(await contents(db)).toEqual([
      'the staging server is slow',
      'production password rotated',
      'staging password noted',
    ]);
    expect(noWord.code).not.toBe(0);
    expect(noWord.stderr).toMatch(/query must contain at least one word/);
  }, 60_000);

  it('forgets by --ids and logs the org, the key id cli, the filter and the count at info', async () => {
    // Arrange
    const { db, ids } = await aStore([note('a'), note('b'), note('c')]);

    // Act
    const r = await forget(
      db,
      ['--ids', `${ids[0]},${ids[2]},mem_ffffffffffffffffffffffff`],
      'info',
    );

    // Assert
    expect(r.stdout).toBe('forgot 2 memories of org_default\n');
    const logged = r.stderr
      .split('\n')
      .filter((l) => l.includes('memories forgotten'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'info',
        org_id: DEFAULT_ORG_ID,
        key_id: 'cli',
        deleted: 2,
        filter: { ids: [ids[0], ids[2], 'mem_ffffffffffffffffffffffff'] },
      }),
    ]);
    expect(r.stderr).not.toContain('"a"');
    expect(await contents(db)).toEqual(['b']);
  }, 60_000);

  it('refuses no filter with usage naming --all, and --all with a filter, forgetting nothing', async () => {
    // Arrange
    const { db } = await aStore([note('stays')]);

    // Act
    const bare = await forget(db, []);
    const emptyList = await forget(db, ['--tags', ' , ']);
    const mixed = await forget(db, ['--all', '--agent', 'crawler']);

    // Assert
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^memtrace: forget needs a filter \(--agent, .*\), or --all/);
    expect(bare.stderr).toContain('Usage:');
    expect(emptyList.code).toBe(2);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/^memtrace: all: true .* takes no filter/);
    expect(await contents(db)).toEqual(['stays']);
  }, 60_000);

  it('forgets every memory of the org with --all, and none of another org', async () => {
    // Arrange
    const { db, otherOrg } = await aStore([note('x'), note('y')], [note('of the other org')]);

    // Act
    const dry = await forget(db, ['--all', '--dry-run']);
    const all = await forget(db, ['--all']);
    const again = await forget(db, ['--all']);

    // Assert
    expect(dry.stdout).toBe('would forget 2 memories of org_default (dry run: nothing deleted)\n');
    expect(all.stdout).toBe('forgot 2 memories of org_default\n');
    expect(again.stdout).toBe('forgot 0 memories of org_default\n');
    expect(await contents(db)).toEqual([]);
    expect(await contents(db, otherOrg)).toEqual(['of the other org']);
  }, 60_000);

  it('acts on the org given by --org only', async () => {
    // Arrange
    const { db, otherOrg } = await aStore([note('default org')], [note('other org')]);

    // Act
    const r = await forget(db, ['--org', otherOrg, '--agent', 'crawler']);

    // Assert
    expect(r.stdout).toBe(`forgot 1 memory of ${otherOrg}\n`);
    expect(await contents(db, otherOrg)).toEqual([]);
    expect(await contents(db)).toEqual(['default org']);
  }, 60_000);
});
