import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const EMPTY_DIR = mkdtempSync(path.join(tmpdir(), 'memtrace-config-master-'));
afterAll(() => rmSync(EMPTY_DIR, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ HOME: EMPTY_DIR, ...env }, EMPTY_DIR);

describe('loadConfig.secrets', () => {
  it('has no master key when MEMTRACE_MASTER_KEY is unset or empty', () => {
    expect(load({}).secrets).toEqual({});
    expect(load({ MEMTRACE_MASTER_KEY: '' }).secrets).toEqual({});
  });

  it.each([
    ['64 hex digits', 'ab'.repeat(32)],
    ['base64 of 32 bytes', Buffer.alloc(32, 9).toString('base64')],
  ])('keeps a master key given as %s', (_name, key) => {
    expect(load({ MEMTRACE_MASTER_KEY: key }).secrets).toEqual({ masterKey: key });
  });

  it('refuses a master key that is not 32 bytes, naming the format and not the value', () => {
    let error: unknown;
    try {
      load({ MEMTRACE_MASTER_KEY: 'hunter2-hunter2' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^MEMTRACE_MASTER_KEY must be 32 random bytes/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('never reads the master key from memtrace.toml', () => {
    const file = path.join(EMPTY_DIR, 'memtrace.toml');
    writeFileSync(file, `[master]\nkey = "${'ab'.repeat(32)}"\n`);
    expect(load({ MEMTRACE_CONFIG: file }).secrets).toEqual({});
  });
});
