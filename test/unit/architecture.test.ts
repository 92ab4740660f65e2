import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of rule `ruleId` ESLint reports for `code` as if it were the file at `file`. */
async function ruleErrors(ruleId: string, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

const layerErrors = (file: string, code: string) => ruleErrors('memtrace/layers', file, code);
const cycleErrors = (file: string, code: string) => ruleErrors('memtrace/no-cycles', file, code);

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
    [
      // The MCP adapter shares the wire shapes with HTTP, not HTTP's own files.
      'adapters/mcp/x.ts',
      "export { apiKeyOf } from '../http/middleware/authenticate.js';",
      /never import each other/,
    ],
    [
      // Files directly under adapters/storage/ are shared by the drivers only.
      'adapters/metrics/x.ts',
      "export { y } from '../storage/memory-stats-row.js';",
      /never import each other/,
    ],
    [
      // The shared module imports no adapter either.
      'adapters/wire/x.ts',
      "export type { AppDeps } from '../http/app-deps.js';",
      /never import each other/,
    ],
    ['adapters/http/x.ts', "export { y } from '../../src/config/index.js';", /composition root/],
    ['adapters/mcp/x.ts', "export { runMcpStdio } from '../../src/mcp.js';", /composition root/],
    [
      'adapters/metrics/x.ts',
      "export { y } from '../../test/support/test-app.js';",
      /composition root or tests/,
    ],
    [
      'domain/memory/x.ts',
      "export { toMemoryResponse } from '../../adapters/wire/memory.response.js';",
      /only the domain/,
    ],
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
    ['adapters/storage/sqlite/x.ts', "export { y } from '../memory-stats-row.js';"],
    ['adapters/storage/sqlite/x.ts', "export type { StorageBundle } from '../storage-bundle.js';"],
    ['adapters/mcp/x.ts', "export { toMemoryResponse } from '../wire/memory.response.js';"],
    ['adapters/http/routes/x.ts', "export { NoQuery } from '../../wire/page.query.js';"],
    ['adapters/metrics/x.ts', "export type { StoragePorts } from '../../domain/index.js';"],
    [
      'adapters/http/x.ts',
      "export { DomainError } from '../../domain/index.js';\nimport express from 'express';\nexport const e = express;",
    ],
    ['src/x.ts', "export { y } from '../adapters/storage/sqlite/index.js';"],
  ])('allows %s importing inward (%#)', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

/*
 * The cycle rule follows the imports of the real files on disk, so each case below is linted as
 * an existing file (or a new one) whose code imports a real file that leads back to it.
 */
describe('the no-cycles rule', () => {
  it.each([
    [
      'domain/memory/memory.ts',
      "export * from '../index.js';",
      'domain/memory/memory.ts -> domain/index.ts -> domain/memory/memory.ts',
    ],
    [
      // A route naming its parent again: type-only imports count.
      'adapters/http/routes/memory.routes.ts',
      "import type { AppDeps } from '../create-app.js';\nexport type D = AppDeps;",
      'adapters/http/routes/memory.routes.ts -> adapters/http/create-app.ts -> adapters/http/routes/all-routes.ts -> adapters/http/routes/memory.routes.ts',
    ],
    [
      'adapters/http/routes/agent.routes.ts',
      "export type D = import('../create-app.js').Unknown;",
      'adapters/http/routes/agent.routes.ts -> adapters/http/create-app.ts -> adapters/http/routes/all-routes.ts -> adapters/http/routes/agent.routes.ts',
    ],
    [
      'adapters/http/middleware/rate-limit.ts',
      "export { memoryRoutes } from '../routes/memory.routes.js';",
      'adapters/http/middleware/rate-limit.ts -> adapters/http/routes/memory.routes.ts -> adapters/http/routes/route.ts -> adapters/http/app-deps.ts -> adapters/http/middleware/rate-limit.ts',
    ],
    [
      // The export and import commands load org-transfer with import(): dynamic imports count
      // on both ends.
      'src/cli/org-transfer.ts',
      "export const load = () => import('./commands/transfer.js');",
      'src/cli/org-transfer.ts -> src/cli/commands/transfer.ts -> src/cli/org-transfer.ts',
    ],
  ])('reports %s closing an import circle (%#)', async (file, code, circle) => {
    const errors = await cycleErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`closes an import circle: ${circle}.`);
  });

  it.each([
    ['adapters/http/routes/x.routes.ts', "export type { AppDeps } from '../app-deps.js';"],
    ['adapters/http/create-app.ts', "export { memoryRoutes } from './routes/memory.routes.js';"],
    ['src/cli/import-target.ts', "export type { TransferCounts } from './transfer-counts.js';"],
    ['src/x.ts', "export { createApp } from '../adapters/http/create-app.js';"],
  ])('allows %s importing what does not lead back (%#)', async (file, code) => {
    expect(await cycleErrors(file, code)).toEqual([]);
  });
});
