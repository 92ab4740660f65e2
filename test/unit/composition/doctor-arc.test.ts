import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../../adapters/storage/sqlite/index.js';
import { runDoctor } from '../../../src/cli/doctor.js';
import { createMemtrace } from '../../../src/core.js';
import { anApiKey, anOrg } from '../../support/builders.js';
import { FixedClock } from '../../support/fixed-clock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-doctor-arc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MASTER = 'b2'.repeat(32);

/** A SQLite store at a fresh path with one org routed to its own Arc, its key sealed by MASTER. */
async function routedStore(): Promise<{ file: string; orgId: string }> {
  const file = path.join(dir, `${Math.random().toString(16).slice(2)}.db`);
  const storage = await createSqliteStorage({ path: file });
  const org = anOrg();
  await storage.auth.createOrg(org, anApiKey({ orgId: org.id }));
  await createMemtrace({
    storage,
    masterKey: MASTER,
    clock: new FixedClock(0),
  }).arcInstances.configure(org.id, {
    url: 'http://127.0.0.1:8000',
    database: 'acme',
    apiKey: 'token',
  });
  await storage.close();
  return { file, orgId: org.id };
}

const doctor = (file: string, env: Record<string, string>) =>
  runDoctor({ HOME: dir, MEMTRACE_STORAGE_SQLITE_PATH: file, ...env }, dir);

describe('runDoctor arc routing', () => {
  it('reports nothing about Arc routing when no org is routed', async () => {
    const checks = await doctor(path.join(dir, 'empty.db'), {});
    expect(checks.map((c) => c.name)).not.toContain('arc routing');
  });

  it('fails naming the org when its stored key does not open with this master key', async () => {
    const { file, orgId } = await routedStore();

    const missing = await doctor(file, {});
    const other = await doctor(file, { MEMTRACE_MASTER_KEY: 'c3'.repeat(32) });

    for (const checks of [missing, other]) {
      const routing = checks.find((c) => c.name === 'arc routing');
      expect(routing?.status).toBe('fail');
      expect(routing?.message).toContain(orgId);
    }
    expect(missing.find((c) => c.name === 'arc routing')?.message).toMatch(/MEMTRACE_MASTER_KEY/);
  });

  it('warns that the routing is unused when the keys open but the driver is not arc', async () => {
    const { file } = await routedStore();
    const checks = await doctor(file, { MEMTRACE_MASTER_KEY: MASTER });
    expect(checks.find((c) => c.name === 'arc routing')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/1 org\(s\) routed .* driver is sqlite/),
    });
  });
});
