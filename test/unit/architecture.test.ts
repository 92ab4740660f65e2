import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint reports for `code` as if it were the file at `file`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'memtrace/layers')
    .map((m) => m.message);
}

describe('the dependency rule', () => {
  it.each([
    ['domain/memory/x.ts', "import express from 'express';\nexport const x = express;", /pure/],
    [
      'domain/memory/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
      /pure/,
    ],
    [
      'domain/memory/x.ts',
      "export { x } from '../../adapters/system/system-clock.js';",
      /only the domain/,
    ],
    [
      'adapters/storage/sqlite/x.ts',
      "export { y } from '../in-memory/index.js';",
      /never import each other/,
    ],
    [
      'adapters/http/x.ts',
      "export { y } from '../storage/sqlite/index.js';",
      /never import each other/,
    ],
    ['adapters/http/x.ts', "export { y } from '../../src/config.js';", /composition root/],
    [
      'adapters/http/x.ts',
      "export { y } from '../../domain/memory/memory.js';",
      /domain\/index\.js/,
    ],
  ])('reports %s importing across a layer (%#)', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['domain/memory/x.ts', "export { invalid } from '../shared/errors.js';"],
    ['adapters/storage/sqlite/x.ts', "export type { StorageBundle } from '../storage-bundle.js';"],
    [
      'adapters/http/x.ts',
      "export { DomainError } from '../../domain/index.js';\nimport express from 'express';\nexport const e = express;",
    ],
    ['src/x.ts', "export { y } from '../adapters/storage/sqlite/index.js';"],
  ])('allows %s importing inward (%#)', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
