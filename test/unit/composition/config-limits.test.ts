import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const emptyDir = () => mkdtempSync(path.join(tmpdir(), 'memtrace-config-'));
const load = (env: Record<string, string>, cwd = emptyDir()) =>
  loadConfig({ HOME: cwd, ...env }, cwd);

describe('loadConfig.limits', () => {
  it('uses the documented limits when nothing is set', () => {
    // Act
    const config = load({});

    // Assert
    expect(config.limits).toEqual({
      maxFilterValues: 20,
      maxBatchTags: 50_000,
      maxMetadataBytes: 1_048_576,
    });
  });

  it('reads every limit from the environment and from memtrace.toml', () => {
    // Arrange
    const cwd = emptyDir();
    writeFileSync(path.join(cwd, 'memtrace.toml'), '[limits]\nmax_batch_tags = 1000\n');

    // Act
    const config = load(
      { MEMTRACE_LIMITS_MAX_FILTER_VALUES: '5', MEMTRACE_LIMITS_MAX_METADATA_BYTES: '4096' },
      cwd,
    );

    // Assert
    expect(config.limits).toEqual({
      maxFilterValues: 5,
      maxBatchTags: 1000,
      maxMetadataBytes: 4096,
    });
  });

  it.each([
    ['MEMTRACE_LIMITS_MAX_FILTER_VALUES', '0', 'must be an integer from 1 to 1000'],
    ['MEMTRACE_LIMITS_MAX_BATCH_TAGS', '63', 'must be an integer from 64 to 10000000'],
    ['MEMTRACE_LIMITS_MAX_METADATA_BYTES', '1k', 'must be an integer from 1024 to 1073741824'],
  ])('throws a ConfigError naming %s when it is %s', (variable, value, message) => {
    // Act
    const act = () => load({ [variable]: value });

    // Assert
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`${variable} ${message}, got '${value}'`);
  });
});
