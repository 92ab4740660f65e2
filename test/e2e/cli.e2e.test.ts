import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeEntry } from '../support/entry.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-cli-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'cli.db'),
  MEMTRACE_AUTH_BOOTSTRAP_KEY: `mtk_${'A'.repeat(43)}`,
  MEMTRACE_LOG_LEVEL: 'warn',
};

/** Runs `memtrace <args>` from source; resolves with stdout, stderr and the exit code. */
async function memtrace(...args: string[]) {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      [...nodeEntry('src/cli/main.ts'), ...args],
      { env, cwd: ROOT },
    );
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memtrace CLI', () => {
  it('creates, lists and revokes keys, and creates and lists orgs, on the configured store', async () => {
    const created = await memtrace('org', 'create', 'acme');
    expect(created.code).toBe(0);
    const orgId = /org created: (org_[0-9a-f]{24}) \(acme\)/.exec(created.stdout)?.[1];
    expect(orgId).toBeDefined();
    expect(created.stdout).toMatch(/^mtk_[A-Za-z0-9_-]{43}$/m);

    const key = await memtrace(
      'key',
      'create',
      '--org',
      orgId as string,
      '--name',
      'bot',
      '--permissions',
      'read',
    );
    expect(key.code).toBe(0);
    const keyId = /key_id: (key_[0-9a-f]{24})/.exec(key.stdout)?.[1] as string;
    expect(key.stdout).toContain('permissions: read');

    const listed = await memtrace('key', 'list', '--org', orgId as string);
    expect(listed.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(listed.stdout).toContain(`${keyId}\tbot\tread\t`);
    expect(listed.stdout).not.toMatch(/mtk_/);

    expect((await memtrace('key', 'revoke', keyId, '--org', orgId as string)).stdout).toContain(
      `revoked ${keyId}`,
    );
    expect((await memtrace('key', 'list', '--org', orgId as string)).stdout).not.toContain(keyId);
    expect((await memtrace('org', 'list')).stdout).toContain(`${orgId}\tacme\t`);
  }, 60_000);

  it('exits non-zero with a reason for an unknown key and with usage for an unknown command', async () => {
    const revoke = await memtrace('key', 'revoke', 'key_nope');
    expect(revoke.code).toBe(1);
    expect(revoke.stderr.trim()).toBe('memtrace: API key not found');
    const bogus = await memtrace('bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('Usage:');
  }, 60_000);
});
