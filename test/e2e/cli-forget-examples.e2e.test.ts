import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../adapters/storage/postgres/index.js';
import { createSqliteStorage } from '../../adapters/storage/sqlite/index.js';
import type { StorageBundle } from '../../adapters/storage/storage-bundle.js';
import { DEFAULT_ORG_ID, type NewMemory } from '../../domain/index.js';
import { createMemtrace } from '../../src/core.js';
import {
  createSchema,
  dropSchema,
  POSTGRES_SKIP_REASON,
  randomSchemaName,
  TEST_POSTGRES_URL,
  urlWithSchema,
} from '../support/postgres-harness.js';

/**
 * The `memtrace forget` commands the README and docs/cli.md show, run as written with the built
 * CLI (dist/, `npx tsc -p tsconfig.build.json`): `memtrace` as `npm install -g .` puts it on the
 * PATH, `npm run -s cli --` from the checkout. On a temporary SQLite store, and once on
 * PostgreSQL (a schema of its own), so the CLI's forget runs on both.
 */

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const BOOTSTRAP = `mtk_${'E'.repeat(43)}`;
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-cli-forget-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `memtrace` on the PATH, as the global install links it to the built CLI.
const bin = path.join(dir, 'bin');
mkdirSync(bin);
writeFileSync(
  path.join(bin, 'memtrace'),
  `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'dist/src/cli/main.js')}" "$@"\n`,
);
chmodSync(path.join(bin, 'memtrace'), 0o755);

/** Every `memtrace forget …` in inline code of the README, its line breaks as spaces. */
function readmeCommands(): string[] {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/`(memtrace forget [^`]+)`/g)].map((m) =>
    (m[1] as string).replace(/\s+/g, ' '),
  );
}

/** Every `npm run -s cli -- forget …` line of docs/cli.md's bash blocks. */
function cliPageCommands(): string[] {
  const text = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] as string)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npm run -s cli -- forget ')),
  );
}

/** What each example prints on the store {@link seed} fills. */
const EXPECTED: Record<string, string> = {
  'memtrace forget --agent agent_scratch --tags draft --dry-run':
    'would forget 2 memories of org_default (dry run: nothing deleted)\n',
  'npm run -s cli -- forget --agent agent_scratch --tags draft --dry-run':
    'would forget 2 memories of org_default (dry run: nothing deleted)\n',
  'npm run -s cli -- forget --session sess_abc123 --since 7d': 'forgot 1 memory of org_default\n',
};

const SEED: NewMemory[] = [
  { agentId: 'agent_scratch', content: 'Draft 1', tags: ['draft'] },
  { agentId: 'agent_scratch', content: 'Draft 2', tags: ['draft'] },
  { agentId: 'agent_scratch', content: 'Not a draft' },
  { agentId: 'agent_web_crawler', sessionId: 'sess_abc123', content: 'In the session' },
];

/** Bootstraps the store's default org and writes {@link SEED} into it. */
async function seed(storage: StorageBundle): Promise<void> {
  const core = createMemtrace({ storage });
  await core.auth.bootstrap(BOOTSTRAP);
  for (const m of SEED) await core.memories.create(DEFAULT_ORG_ID, m);
}

/** The default org's contents, oldest first. */
async function contents(storage: StorageBundle): Promise<string[]> {
  const page = await createMemtrace({ storage }).memories.list(DEFAULT_ORG_ID, {
    order: 'asc',
    since: '30d',
  });
  return page.memories.map((m) => m.content);
}

/** Runs one documented command line in bash from the checkout, on the store `env` names. */
async function runExample(command: string, env: Record<string, string>) {
  const { stdout, stderr } = await run('bash', ['-c', `set -euo pipefail\n${command}`], {
    cwd: ROOT,
    timeout: 60_000,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: dir,
      MEMTRACE_AUTH_BOOTSTRAP_KEY: BOOTSTRAP,
      MEMTRACE_LOG_LEVEL: 'warn',
      ...env,
    },
  });
  return { stdout, stderr };
}

describe('CLI forget examples on SQLite', () => {
  it('finds the README example and the docs/cli.md examples', () => {
    expect(readmeCommands()).toEqual([
      'memtrace forget --agent agent_scratch --tags draft --dry-run',
    ]);
    expect(cliPageCommands()).toEqual([
      'npm run -s cli -- forget --agent agent_scratch --tags draft --dry-run',
      'npm run -s cli -- forget --session sess_abc123 --since 7d',
    ]);
  });

  const commands = [...readmeCommands(), ...cliPageCommands()];
  for (const [index, command] of commands.entries()) {
    it(`runs "${command}" as written and prints what it forgot`, async () => {
      // Arrange: a store of its own
      const db = path.join(dir, `example-${index}.db`);
      const storage = await createSqliteStorage({ path: db });
      await seed(storage);
      await storage.close();

      // Act
      const { stdout, stderr } = await runExample(command, { MEMTRACE_STORAGE_SQLITE_PATH: db });

      // Assert
      expect(stdout).toBe(EXPECTED[command]);
      expect(stderr).toBe('');
      const after = await createSqliteStorage({ path: db });
      try {
        const left = await contents(after);
        if (command.includes('--dry-run')) expect(left).toHaveLength(SEED.length);
        else expect(left).not.toContain('In the session');
        expect(left).toContain('Not a draft');
      } finally {
        await after.close();
      }
    }, 60_000);
  }
});

describe.skipIf(TEST_POSTGRES_URL === undefined)(
  `CLI forget on PostgreSQL${TEST_POSTGRES_URL === undefined ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    it('forgets what the filters match, all in one, on a schema of its own', async () => {
      // Arrange
      const schema = randomSchemaName('cliforget');
      await createSchema(schema);
      try {
        const storage = await createPostgresStorage({
          url: TEST_POSTGRES_URL as string,
          schema,
          poolSize: 2,
        });
        try {
          await seed(storage);

          // Act: the README's example, then the same without --dry-run
          const dry = await runExample(
            'memtrace forget --agent agent_scratch --tags draft --dry-run',
            {
              MEMTRACE_STORAGE_DRIVER: 'postgres',
              MEMTRACE_STORAGE_POSTGRES_URL: urlWithSchema(TEST_POSTGRES_URL as string, schema),
            },
          );
          const done = await runExample('memtrace forget --agent agent_scratch --tags draft', {
            MEMTRACE_STORAGE_DRIVER: 'postgres',
            MEMTRACE_STORAGE_POSTGRES_URL: urlWithSchema(TEST_POSTGRES_URL as string, schema),
          });

          // Assert
          expect(dry.stdout).toBe(EXPECTED[readmeCommands()[0] as string]);
          expect(done).toEqual({ stdout: 'forgot 2 memories of org_default\n', stderr: '' });
          expect(await contents(storage)).toEqual(['Not a draft', 'In the session']);
        } finally {
          await storage.close();
        }
      } finally {
        await dropSchema(schema);
      }
    }, 60_000);
  },
);
