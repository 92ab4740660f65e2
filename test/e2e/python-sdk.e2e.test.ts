import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { aBootstrapKey } from '../support/server-process.js';
import { useServerProcess } from '../support/use-server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_SDK = path.join(ROOT, 'sdk/python');
const SPEC = path.join(ROOT, 'test/fixtures/spec');

/**
 * The Python SDK's own unittest suite against a real server, and the spec's Python (through the
 * SDK) and JavaScript (through fetch) examples, unmodified but for the URL and key placeholders.
 * The Python example of docs/sdks.md runs in readme-examples.e2e.test.ts, with the others.
 */

const key = aBootstrapKey();
const dir = mkdtempSync(path.join(tmpdir(), 'memtrace-python-'));
const server = useServerProcess(() => ({
  MEMTRACE_STORAGE_DRIVER: 'memory',
  MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
}));

/** The spec's example with only its placeholders filled in. */
const example = (file: string) =>
  readFileSync(path.join(SPEC, file), 'utf8')
    .replaceAll('http://localhost:9100', server().url)
    .replaceAll('mtk_...', key);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe('PythonSdk.unittest', () => {
  it('passes every Python test, none skipped, when run against the server', async () => {
    // Act: unittest reports on stderr; a failure rejects with the output
    const result = await run(
      'python3',
      ['-m', 'unittest', 'discover', '-s', path.join(PYTHON_SDK, 'tests'), '-v'],
      {
        cwd: ROOT,
        timeout: 120_000,
        env: {
          PATH: process.env.PATH ?? '',
          MEMTRACE_URL: server().url,
          MEMTRACE_API_KEY: key,
        },
      },
    ).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`python3 -m unittest failed:\n${e.stderr}\n${e.stdout}`);
    });

    // Assert
    const ran = /Ran (\d+) tests?/.exec(result.stderr);
    console.log(`python3 -m unittest: ${ran?.[0] ?? 'no count'} (sdk/python/tests)`);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(20);
    expect(result.stderr).toMatch(/\nOK\n?$/);
    expect(result.stderr).not.toMatch(/skipped/);
  });
});

describe('PythonSdk.specExample', () => {
  it('prints the session context when the spec example runs as written', async () => {
    // Arrange: sess_abc123 is known once a memory names it
    const seed = await fetch(`${server().url}/api/v1/memories`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        memories: [
          {
            agent_id: 'agent_web_crawler',
            session_id: 'sess_abc123',
            content: 'Crawled https://example.com — found 3 product pages',
          },
          {
            agent_id: 'agent_web_crawler',
            session_id: 'sess_abc123',
            memory_type: 'decision',
            content: 'Decided to focus on product category A',
          },
          {
            agent_id: 'agent_web_crawler',
            session_id: 'sess_abc123',
            memory_type: 'entity',
            content: 'Product X: High engagement',
          },
        ],
      }),
    });
    expect(seed.status).toBe(201);
    const script = path.join(dir, 'spec_example.py');
    writeFileSync(script, `${example('sessions-context.py.txt')}\nprint(ctx['context'])\n`);

    // Act
    const { stdout } = await run('python3', [script], {
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: PYTHON_SDK },
    });

    // Assert: episodic and decision only, as include_types asks
    expect(stdout.trimEnd()).toBe(
      [
        '## Session Context (sess_abc123)',
        '',
        '### Recent Actions (1)',
        '- Crawled https://example.com — found 3 product pages',
        '',
        '### Decisions (1)',
        '- Decided to focus on product category A',
      ].join('\n'),
    );
  });
});

describe('JavaScriptFetch.specExample', () => {
  it('records the memory when the spec fetch example runs as written', async () => {
    // Arrange
    const script = path.join(dir, 'spec_example.mjs');
    writeFileSync(
      script,
      `${example('memories-fetch.js.txt')}\nconsole.log(JSON.stringify({ status: response.status, data }));\n`,
    );

    // Act
    const { stdout } = await run(process.execPath, [script], { timeout: 30_000 });

    // Assert
    const { status, data } = JSON.parse(stdout) as {
      status: number;
      data: Record<string, unknown>;
    };
    expect(status).toBe(201);
    expect(data).toMatchObject({
      agent_id: 'my_agent',
      content: 'Crawled https://example.com',
      memory_type: 'episodic',
    });
    expect(data.memory_id).toMatch(/^mem_/);
  });
});
