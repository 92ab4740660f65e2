import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const IMPORT = "from './src/core.js'";

/** The one TypeScript block of the README's "Embedding the core" section. */
function embeddingExample(): string {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = text.indexOf('\n## Embedding the core\n');
  if (start < 0) throw new Error('README has no section Embedding the core');
  const end = text.indexOf('\n## ', start + 1);
  const blocks = [...text.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)];
  if (blocks.length !== 1) throw new Error(`expected one ts block, found ${blocks.length}`);
  return blocks[0]![1]!;
}

describe('README: Embedding the core', () => {
  // Under data/ (ignored by git), inside the checkout, so the script runs in the checkout's
  // package (ESM, its node_modules) as a reader's script at the root would.
  mkdirSync(path.join(ROOT, 'data'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, 'data', 'readme-embedding-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs node with `args` in the checkout; its stdout, once its stderr is seen empty. */
  async function output(args: string[]): Promise<string> {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    });
    expect(stderr).toBe('');
    return stdout;
  }

  /** What the example prints: the count, the memories newest first, the session's context. */
  const PRINTED = new RegExp(
    '^2 memories\n' +
      'decision: Chose product category A\n' +
      'episodic: Crawled https://example\\.com\n' +
      '## Session Context \\(sess_[0-9a-f]{24}\\)\n\n' +
      '### Recent Actions \\(1\\)\n- Crawled https://example\\.com\n\n' +
      '### Decisions \\(1\\)\n- Chose product category A\n$',
  );

  it('runs the example as written: records, lists and prints the session context', async () => {
    // Arrange: the example, its one import pointed from this folder to the root's src/core.ts
    // (the README's script sits at the checkout root, where './src/core.js' is that file)
    const code = embeddingExample();
    expect(code).toContain(IMPORT);
    const core = path.relative(dir, path.join(ROOT, 'src/core.js')).split(path.sep).join('/');
    const file = path.join(dir, 'embed.ts');
    writeFileSync(file, code.replace(IMPORT, `from '${core}'`));

    // Act
    const stdout = await output(['--import', 'tsx', file]);

    // Assert
    expect(stdout).toMatch(PRINTED);
  }, 90_000);

  it('runs the example on the built package export memtrace/core with plain node', async () => {
    // Arrange: the same code importing the package by name (resolved through package.json's
    // exports from inside the checkout); the example has no type annotations, so it is also JS
    if (!existsSync(path.join(ROOT, 'dist/src/core.js'))) {
      throw new Error('dist/src/core.js is missing: run npm run build first (npm test does)');
    }
    const file = path.join(dir, 'embed-built.mjs');
    writeFileSync(file, embeddingExample().replace(IMPORT, "from 'memtrace/core'"));

    // Act
    const stdout = await output([file]);

    // Assert
    expect(stdout).toMatch(PRINTED);
  }, 90_000);
});
