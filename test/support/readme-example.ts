import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { vi } from 'vitest';

/** The code of every ```ts block of a markdown file's section (`## ...`), in order. */
export function tsBlocks(file: string, heading: string): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section ${heading}`);
  const end = text.indexOf('\n## ', start + heading.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/**
 * Runs `code` as a module of its own, written next to `dir`'s other files so that its imports
 * resolve as the tests' do (then removed), with MEMTRACE_API_KEY set to `apiKey`; what it printed
 * with console.log, a line per call, as Node prints it.
 */
export async function runExample(code: string, dir: string, apiKey: string): Promise<string> {
  const file = path.join(dir, `readme-example-${process.pid}-${Date.now()}.generated.ts`);
  writeFileSync(file, code);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  });
  const before = process.env.MEMTRACE_API_KEY;
  process.env.MEMTRACE_API_KEY = apiKey;
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
    if (before === undefined) delete process.env.MEMTRACE_API_KEY;
    else process.env.MEMTRACE_API_KEY = before;
    rmSync(file, { force: true });
  }
  return printed.map((line) => `${line}\n`).join('');
}
