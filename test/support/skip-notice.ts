import { existsSync } from 'node:fs';

/**
 * What `npm test` prints once before it runs: which groups of tests will be skipped here and
 * what makes them run. The tests themselves decide from the same facts (their skip reasons say
 * it again, one by one); this only gathers them where a reader sees them.
 */

/**
 * The browser the /docs page and web console tests drive (test/e2e/docs-page.e2e.test.ts,
 * test/e2e/console.e2e.test.ts).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface TestEnvironment {
  /** MEMTRACE_TEST_POSTGRES_URL, empty meaning unset. */
  readonly postgresUrl: string | undefined;
  readonly chromium: boolean;
}

export function readTestEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): TestEnvironment {
  return {
    postgresUrl: env.MEMTRACE_TEST_POSTGRES_URL || undefined,
    chromium: exists(CHROMIUM_PATH),
  };
}

/** One paragraph per group that will skip, or null when every test runs. */
export function skipNotice(e: TestEnvironment): string | null {
  const groups: string[] = [];
  if (e.postgresUrl === undefined) {
    groups.push(
      '- PostgreSQL: every Postgres test (the http-on-postgres project, the storage contract, ' +
        'migrations, pool, query plans, outage, scale-out, and the durability, concurrency, ' +
        'auth-at-rest, transfer and fuzz runs on Postgres). To run them:\n' +
        '    export MEMTRACE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test\n' +
        '  (any database whose user may create schemas: each test file works in a schema of its ' +
        'own and drops it)',
    );
  }
  if (!e.chromium) {
    groups.push(
      '- The /docs page and the web console in a browser (test/e2e/docs-page.e2e.test.ts, ' +
        `test/e2e/console.e2e.test.ts): ${CHROMIUM_PATH} is ` +
        "missing. To run it: apt-get install -y chromium (Debian's package)",
    );
  }
  if (groups.length === 0) return null;
  return ['Skipped in this run, and how to run them:', ...groups].join('\n');
}
