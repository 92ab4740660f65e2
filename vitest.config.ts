import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const ROOT = import.meta.dirname;

/**
 * The package names the integrations (integrations/*) import, resolved to their sources in this
 * checkout, as tsconfig.json's `paths` does for the type checker.
 */
const PACKAGES: Record<string, string> = {
  '@basekick-labs/memtrace-sdk': 'sdk/typescript/src/index.ts',
  '@memtrace/agent-tools': 'integrations/tools/src/index.ts',
  '@memtrace/ai-sdk': 'integrations/ai-sdk/src/index.ts',
  '@memtrace/langchain': 'integrations/langchain/src/index.ts',
  '@memtrace/openai-agents': 'integrations/openai-agents/src/index.ts',
};

// The REST suite that runs through supertest, repeated on every embedded driver.
const HTTP_E2E =
  'test/e2e/{agents,arc-admin,auth,cascade-delete,context-budget,correct,cursors,event-time,expire,forget,http,implicit-sessions,input-rules,isolation,isolation-matrix,lifecycle-model,limits,memories,original-sdk-compat,search-ranked,sessions,spec-examples}.e2e.test.ts';

export default defineConfig({
  resolve: {
    alias: Object.entries(PACKAGES).map(([name, file]) => ({
      find: new RegExp(`^${name.replace('/', '\\/')}$`),
      replacement: path.join(ROOT, file),
    })),
  },
  test: {
    setupFiles: ['test/support/setup.ts'],
    // Prints which groups of tests skip here and how to run them.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two test files at a time even on 2 cores, where vitest's default (cores - 1) is one: most
    // files spend much of their time waiting on PostgreSQL, the Arc stand-in or a server process
    // they started, so a second file keeps both cores busy. Files share nothing that could clash:
    // ports are picked free, temp dirs are mkdtemp'd, and every PostgreSQL test has a schema or
    // database of its own (migrations of one database take turns on an advisory lock).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report is what .ci/run counts from.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'memtrace',
          include: ['test/**/*.test.ts', 'integrations/*/test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'http-on-sqlite',
          include: [HTTP_E2E],
          env: { MEMTRACE_TEST_DRIVER: 'sqlite' },
        },
      },
      {
        // Skips every test, saying why, when MEMTRACE_TEST_POSTGRES_URL is not set.
        extends: true,
        test: {
          name: 'http-on-postgres',
          include: [HTTP_E2E],
          env: { MEMTRACE_TEST_DRIVER: 'postgres' },
        },
      },
      {
        // Against the Arc stand-in (test/support/fake-arc), one per test file.
        extends: true,
        test: {
          name: 'http-on-arc',
          include: [HTTP_E2E],
          env: { MEMTRACE_TEST_DRIVER: 'arc' },
        },
      },
      {
        // Again with the stand-in showing writes 200 ms late, as Arc does after its buffer flush:
        // every answer must be the same (read-your-writes).
        extends: true,
        test: {
          name: 'http-on-arc-late',
          include: [HTTP_E2E],
          env: { MEMTRACE_TEST_DRIVER: 'arc', MEMTRACE_TEST_ARC_BUFFER_AGE_MS: '200' },
        },
      },
    ],
  },
});
