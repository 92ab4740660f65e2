import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aBootstrapKey,
  freePort,
  spawnServer,
  waitUntilHealthy,
  type ServerProcess,
} from '../support/server-process.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The sections whose code blocks a reader runs against a server, in order: the README's
 * walk-through, the SDK examples of docs/sdks.md, then the README's forgetting and correcting
 * examples (after the SDK install they use).
 */
const SECTIONS = [
  { file: 'README.md', heading: '## Walk-through' },
  { file: 'docs/sdks.md', heading: '## TypeScript SDK' },
  { file: 'docs/sdks.md', heading: '## Python SDK' },
  { file: 'README.md', heading: '## Forgetting memories' },
  { file: 'README.md', heading: '## Correcting and expiring memories' },
];

interface Block {
  readonly section: string;
  readonly lang: string;
  readonly code: string;
}

/** Every fenced block of those sections, in the order a reader meets them. */
function readmeBlocks(): Block[] {
  return SECTIONS.flatMap(({ file, heading }) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const start = text.indexOf(`\n${heading}\n`);
    if (start < 0) throw new Error(`${file} has no section ${heading}`);
    const end = text.indexOf('\n## ', start + heading.length + 2);
    const section = text.slice(start, end < 0 ? undefined : end);
    return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
      section: heading.slice(3),
      lang: m[1] as string,
      code: m[2] as string,
    }));
  });
}

/** One curl of the walk-through: its answer and status. */
interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Every README and SDK-page example, run as written (only the key, the port and the checkout's path are filled
 * in) against one server, twice over in reading order: each must run again, after itself and after
 * the others, as a reader would run it.
 */
describe('README examples', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-readme-'));
  // A reader's own project, where the TypeScript SDK is installed as docs/sdks.md says.
  const project = path.join(dir, 'project');
  const key = aBootstrapKey();
  let server: ServerProcess;
  const blocks = readmeBlocks();

  beforeAll(async () => {
    server = spawnServer(
      {
        MEMTRACE_STORAGE_SQLITE_PATH: path.join(dir, 'readme.db'),
        MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
      },
      await freePort(),
    );
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'readme-project', private: true, type: 'module' }),
    );
    await waitUntilHealthy(server);
  });
  afterAll(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = (code: string) =>
    code
      .replace('export KEY=mtk_...', `export KEY=${key}`)
      .replaceAll('"mtk_..."', `"${key}"`)
      .replaceAll('http://localhost:9100', server.url)
      .replaceAll('/path/to/memtrace', ROOT);

  /** Runs the walk-through; each curl's answer and status, in order. */
  async function walkThrough(code: string): Promise<Reply[]> {
    const prelude = `set -euo pipefail\ncurl() { command curl --show-error -w '\\n%{http_code}\\n' "$@"; }\n`;
    const { stdout } = await run('bash', ['-c', prelude + fill(code)], { timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    const replies: Reply[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      replies.push({ body: JSON.parse(lines[i] as string), status: Number(lines[i + 1]) });
    }
    expect(replies).toHaveLength(code.match(/^curl /gm)?.length ?? -1);
    return replies;
  }

  /** Runs a TypeScript (through tsx) or Python example from the reader's project: its stdout. */
  async function runSdkExample(block: Block, index: number): Promise<string> {
    const file = path.join(project, block.lang === 'ts' ? `example-${index}.mts` : 'e.py');
    writeFileSync(file, fill(block.code));
    const { stdout } =
      block.lang === 'ts'
        ? await run(process.execPath, ['--import', 'tsx', file], {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? '', MEMTRACE_API_KEY: key },
            timeout: 60_000,
          })
        : await run('python3', [file], {
            cwd: project,
            env: { PATH: process.env.PATH ?? '', PYTHONPATH: path.join(ROOT, 'sdk/python') },
            timeout: 60_000,
          });
    return stdout;
  }

  /**
   * What the forgetting and correcting examples print, by section and language; each leaves
   * nothing of its agent.
   */
  const PRINTED: Record<string, { agent: string; output: Record<string, string> }> = {
    'Forgetting memories': {
      agent: 'agent_scratch',
      output: {
        bash: '204\n{"would_delete":2,"dry_run":true}\n{"deleted":2}\n',
        ts: '{ would_delete: 2, dry_run: true }\n{ deleted: 2 }\n',
        python: "{'would_delete': 2, 'dry_run': True}\n{'deleted': 2}\n",
      },
    },
    'Correcting and expiring memories': {
      agent: 'agent_fix',
      output: {
        bash:
          '200\n"content":"Deploys go out on Friday"\n"content":"Deploys go out on Thursday"\n' +
          '{"deleted":2}\n',
        ts:
          "true null\n[ 'Deploys go out on Friday', 'Deploys go out on Thursday' ]\n" +
          '{ deleted: 2 }\n',
        python:
          "True None\n['Deploys go out on Friday', 'Deploys go out on Thursday']\n" +
          "{'deleted': 2}\n",
      },
    },
  };

  it('has the walk-through, the SDK install and examples, the forgetting and correcting examples', () => {
    expect(blocks.map((b) => `${b.section}: ${b.lang}`)).toEqual([
      'Walk-through: bash',
      'TypeScript SDK: bash',
      'TypeScript SDK: ts',
      'Python SDK: python',
      'Forgetting memories: bash',
      'Forgetting memories: ts',
      'Forgetting memories: python',
      'Correcting and expiring memories: bash',
      'Correcting and expiring memories: ts',
      'Correcting and expiring memories: python',
    ]);
  });

  for (const round of [1, 2]) {
    for (const [index, block] of blocks.entries()) {
      const name = `${block.section} ${block.lang}`;
      it(`runs the ${name} block as written, run ${round}`, async () => {
        if (block.section === 'Walk-through') {
          // Act
          const replies = await walkThrough(block.code);

          // Assert: the first run is all 2xx; again, the writes the README names are 409s
          const refused = replies.filter((r) => r.status >= 300);
          if (round === 1) expect(refused).toEqual([]);
          else {
            // The memory (a duplicate, naming the stored one) and the agent (its name is taken)
            expect(refused.map((r) => [r.status, r.body.error, 'memory_id' in r.body])).toEqual([
              [409, 'conflict', true],
              [409, 'conflict', false],
            ]);
          }
          const ranked = replies.find(
            (r) =>
              Array.isArray(r.body.results) && 'score' in ((r.body.results as object[])[0] ?? {}),
          )?.body.results as { content: string; score: number }[];
          expect(ranked.map((m) => m.content)).toEqual([
            // The shorter of the two memories holding both words ranks first.
            'Product X: High engagement, trending topic',
            'Decided to focus on product category A based on higher engagement',
          ]);
          expect(ranked[1]?.score).toBeGreaterThan(0);
          const batch = replies[1]?.body;
          expect(batch?.duplicates).toBe(round === 1 ? 0 : 2);
          const context = replies.find((r) => typeof r.body.context === 'string');
          expect(context?.body.context).toBe(
            '## Session Context (sess_abc123)\n\n' +
              '### Recent Actions (1)\n- Crawled https://example.com — found 3 product pages\n\n' +
              '### Decisions (1)\n- Decided to focus on product category A based on higher engagement',
          );
          if (round === 1) {
            const stats = replies.find((r) => 'memory_types' in r.body)?.body;
            // sess_abc123, which the memories name, and the session the block starts.
            expect(stats).toMatchObject({ memory_count: 3, session_count: 2, active_sessions: 2 });
          }
        } else if (PRINTED[block.section] !== undefined) {
          const printed = PRINTED[block.section] as (typeof PRINTED)[string];
          // Act: the curl block with KEY set as the walk-through sets it
          const stdout =
            block.lang === 'bash'
              ? (
                  await run('bash', ['-c', `set -euo pipefail\n${fill(block.code)}`], {
                    env: { PATH: process.env.PATH ?? '', KEY: key },
                    timeout: 60_000,
                  })
                ).stdout
              : await runSdkExample(block, index);

          // Assert
          expect(stdout).toBe(printed.output[block.lang]);
          const query = `agent_id=${printed.agent}&include_superseded=true`;
          const left = await fetch(`${server.url}/api/v1/memories?${query}`, {
            headers: { 'x-api-key': key },
          });
          expect(await left.json()).toMatchObject({ memories: [], count: 0 });
        } else if (block.lang === 'bash') {
          // Act: the install, in the reader's project, with nothing from the registry
          await run('bash', ['-c', `set -euo pipefail\n${fill(block.code)}`], {
            cwd: project,
            timeout: 120_000,
            env: {
              // Not the npm_* settings of an `npm test` around this run (its local_prefix would
              // install into memtrace itself).
              ...Object.fromEntries(
                Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')),
              ),
              npm_config_offline: 'true',
              npm_config_audit: 'false',
              npm_config_fund: 'false',
            },
          });

          // Assert
          const installed = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
          expect(Object.keys(installed.dependencies)).toEqual(['@basekick-labs/memtrace-sdk']);
        } else {
          // Act: the TypeScript example through tsx (it is TypeScript), from the reader's project
          const stdout = await runSdkExample(block, index);

          // Assert: the session's context, then the repeated write reported as a duplicate
          expect(stdout).toMatch(/^## Session Context \(sess_[0-9a-f]+\)\n/);
          expect(stdout).toContain('- Crawled https://example.com\n');
          expect(stdout).toMatch(/\nduplicate of mem_[0-9a-f]{24}\n$/);
        }
      }, 150_000);
    }
  }
});
