import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, readTestEnvironment, skipNotice } from '../../support/skip-notice.js';

const everything = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/test',
  chromium: true,
};

describe('skipNotice', () => {
  it('prints nothing when every group can run', () => {
    // Act
    const notice = skipNotice(everything);

    // Assert
    expect(notice).toBeNull();
  });

  it('names the PostgreSQL tests and the variable that runs them when no URL is set', () => {
    // Act
    const notice = skipNotice({ ...everything, postgresUrl: undefined });

    // Assert
    expect(notice).toContain('Skipped in this run, and how to run them:');
    expect(notice).toContain('http-on-postgres');
    expect(notice).toContain(
      'export MEMTRACE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test',
    );
    expect(notice).not.toContain('chromium');
  });

  it('names the /docs page and console tests and the package to install when Chromium is missing', () => {
    // Act
    const notice = skipNotice({ ...everything, chromium: false });

    // Assert
    expect(notice).toContain('test/e2e/docs-page.e2e.test.ts');
    expect(notice).toContain('test/e2e/console.e2e.test.ts');
    expect(notice).toContain('apt-get install -y chromium');
    expect(notice).not.toContain('MEMTRACE_TEST_POSTGRES_URL');
  });

  it('lists every group that skips, one paragraph each, when nothing is set up', () => {
    // Act
    const notice = skipNotice({ postgresUrl: undefined, chromium: false });

    // Assert
    expect(notice?.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(2);
  });
});

describe('readTestEnvironment', () => {
  it('reads the URL and whether Chromium is installed', () => {
    // Act
    const env = readTestEnvironment(
      { MEMTRACE_TEST_POSTGRES_URL: 'postgres://u@127.0.0.1/db' },
      (p) => p === CHROMIUM_PATH,
    );

    // Assert
    expect(env).toEqual({
      postgresUrl: 'postgres://u@127.0.0.1/db',
      chromium: true,
    });
  });

  it('takes an empty URL as unset', () => {
    // Act
    const env = readTestEnvironment({ MEMTRACE_TEST_POSTGRES_URL: '' }, () => false);

    // Assert
    expect(env).toEqual({ postgresUrl: undefined, chromium: false });
  });
});
