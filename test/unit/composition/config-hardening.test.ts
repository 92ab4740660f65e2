import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const emptyDir = () => mkdtempSync(path.join(tmpdir(), 'memtrace-config-'));
const load = (env: Record<string, string>) => {
  const cwd = emptyDir();
  return loadConfig({ HOME: cwd, ...env }, cwd);
};

describe('loadConfig.hardening', () => {
  it('uses the documented limits and no rate limit when nothing is set', () => {
    // Act
    const config = load({});

    // Assert
    expect(config.server).toMatchObject({
      maxHeaderBytes: 16_384,
      maxUrlBytes: 8192,
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(config.rateLimit).toEqual({ enabled: false, requestsPerMinute: 600, burst: 600 });
    expect(config.storage.sqliteBusyTimeoutMs).toBeUndefined();
  });

  it('reads every limit, timeout and the rate limit when they are set', () => {
    // Act
    const config = load({
      MEMTRACE_SERVER_MAX_HEADER_BYTES: '4096',
      MEMTRACE_SERVER_MAX_URL_BYTES: '2048',
      MEMTRACE_SERVER_REQUEST_TIMEOUT: '20',
      MEMTRACE_SERVER_HEADERS_TIMEOUT: '5',
      MEMTRACE_SERVER_KEEP_ALIVE_TIMEOUT: '2',
      MEMTRACE_RATE_LIMIT_ENABLED: 'true',
      MEMTRACE_RATE_LIMIT_REQUESTS_PER_MINUTE: '120',
      MEMTRACE_RATE_LIMIT_BURST: '10',
      MEMTRACE_STORAGE_SQLITE_BUSY_TIMEOUT_MS: '250',
    });

    // Assert
    expect(config.server).toMatchObject({
      maxHeaderBytes: 4096,
      maxUrlBytes: 2048,
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 5_000,
      keepAliveTimeoutMs: 2_000,
    });
    expect(config.rateLimit).toEqual({ enabled: true, requestsPerMinute: 120, burst: 10 });
    expect(config.storage.sqliteBusyTimeoutMs).toBe(250);
  });

  it('throws a ConfigError naming both settings when the headers timeout exceeds the request timeout', () => {
    // Act
    const act = () =>
      load({ MEMTRACE_SERVER_REQUEST_TIMEOUT: '5', MEMTRACE_SERVER_HEADERS_TIMEOUT: '10' });

    // Assert
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'MEMTRACE_SERVER_HEADERS_TIMEOUT must not exceed MEMTRACE_SERVER_REQUEST_TIMEOUT',
    );
  });

  it('throws a ConfigError when the rate limit is not a positive integer', () => {
    // Act
    const act = () => load({ MEMTRACE_RATE_LIMIT_REQUESTS_PER_MINUTE: '0' });

    // Assert
    expect(act).toThrow(
      'MEMTRACE_RATE_LIMIT_REQUESTS_PER_MINUTE must be an integer from 1 to 1000000',
    );
  });
});
