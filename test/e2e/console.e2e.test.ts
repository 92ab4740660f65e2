import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { build } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../adapters/http/console-page.js';
import { createApp } from '../../adapters/http/create-app.js';
import type { Logger } from '../../domain/index.js';
import { consoleDir } from '../../src/console-dir.js';
import { launchChromium } from '../support/chromium.js';
import { CHROMIUM_PATH as CHROMIUM } from '../support/skip-notice.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

const SKIP_REASON = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to test /console`;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
/**
 * Where the screenshots go: the README's (docs/console/) with MEMTRACE_CONSOLE_SCREENSHOTS=1,
 * otherwise a folder removed after the run (they are taken either way).
 */
const SHOTS = process.env.MEMTRACE_CONSOLE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'console')
  : mkdtempSync(path.join(tmpdir(), 'memtrace-console-shots-'));

/** What scripts in the page see, typed here, where the DOM library is not loaded. */
interface PageGlobals {
  readonly sessionStorage: { getItem(name: string): string | null } & object;
  readonly localStorage: object;
  readonly document: { readonly cookie: string };
}

/** Every line the server logs, as JSON text, to look for keys in. */
const logged: string[] = [];
const capturing: Logger = {
  debug: (m, meta) => logged.push(JSON.stringify([m, meta])),
  info: (m, meta) => logged.push(JSON.stringify([m, meta])),
  warn: (m, meta) => logged.push(JSON.stringify([m, meta])),
  error: (m, meta) => logged.push(JSON.stringify([m, meta])),
};

/** The console built from its sources by the same Vite config as `npm run build`. */
const built = mkdtempSync(path.join(tmpdir(), 'memtrace-console-'));
let t: TestApp;

beforeAll(async () => {
  await build({
    configFile: path.join(ROOT, 'console', 'vite.config.ts'),
    build: { outDir: built, emptyOutDir: true },
    logLevel: 'silent',
  });
  t = await buildTestApp({ logger: capturing });
}, 120_000);

afterAll(() => {
  rmSync(built, { recursive: true, force: true });
  if (!SHOTS.startsWith(ROOT)) rmSync(SHOTS, { recursive: true, force: true });
});

describe('GET /console', () => {
  it('is served from dist/console of the package, as the composition root decides', () => {
    expect(t.deps.consoleDir).toBe(path.join(ROOT, 'dist', 'console'));
    expect(consoleDir(new URL('../../dist/src/modules/x.js', import.meta.url).href)).toBe(
      path.join(ROOT, 'dist', 'console'),
    );
  });

  it('redirects to /console/, which serves the page under a CSP of its own files only', async () => {
    // Arrange
    const app = createApp({ ...t.deps, consoleDir: built });

    // Act
    const bare = await request(app).get('/console?x=1');
    const page = await request(app).get('/console/');

    // Assert
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/console/?x=1');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe');
    const assets = [...page.text.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await request(app).get(`/console/${asset!.slice(2)}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers['cache-control']).toContain('immutable');
    }
  });

  it('answers 503 saying to run `npm run build` while the console is not built', async () => {
    // Arrange
    const empty = mkdtempSync(path.join(tmpdir(), 'memtrace-no-console-'));
    mkdirSync(path.join(empty, 'assets'));
    const app = createApp({ ...t.deps, consoleDir: empty });

    // Act
    const res = await request(app).get('/console/');

    // Assert
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('unavailable');
    expect(res.body.message).toContain('run `npm run build`');
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('the console in Chromium', () => {
  let server: Server | undefined;
  let browser: BrowserContext | undefined;
  let base = '';
  /** Every URL the browser asked for, of every page. */
  const requested: string[] = [];
  /** Every key the tests use, to look for in URLs, logs and storage. */
  const keys: string[] = [];
  const profile = mkdtempSync(path.join(tmpdir(), 'memtrace-chromium-'));

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked by value
  type Json = any;
  const api = async (
    key: string,
    method: string,
    p: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  /** A call that must succeed (the arrangement of a test). */
  const must = async (key: string, method: string, p: string, body?: unknown): Promise<Json> => {
    const res = await api(key, method, p, body);
    if (res.status >= 300) throw new Error(`${method} ${p}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  let sessionId = '';
  const issueKey = async (permissions: string[]) => {
    const res = await api(t.adminKey, 'POST', '/keys', {
      name: permissions.join('+'),
      permissions,
    });
    keys.push(res.body.api_key);
    return res.body.api_key as string;
  };

  /** A new tab signed in with `key`, failing on any error the page logs unless `errors` given. */
  const signedIn = async (key: string, errors: string[] = []) => {
    const page = await browser!.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('console', (m) => {
      // Chromium ignores helmet's Cross-Origin-Opener-Policy on plain http, and says so.
      if (m.type() === 'error' && !m.text().startsWith('The Cross-Origin-Opener-Policy header'))
        errors.push(m.text());
    });
    await page.goto(`${base}/console`, { waitUntil: 'load', timeout: 20_000 });
    await page.fill('input[name=api-key]', key);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=who]').waitFor({ timeout: 10_000 });
    return page;
  };
  const show = async (page: Page, view: string) => {
    await page.click(`button[data-view=${view}]`);
    await page.locator('main h2').waitFor();
  };
  const applyMemoryFilter = async (page: Page, fields: Record<string, string>) => {
    for (const [name, value] of Object.entries(fields)) {
      await page.fill(`form.filters input[name=${name}]`, value);
    }
    await page.click('form.filters button[type=submit]');
  };
  const countText = (page: Page) => page.locator('[data-testid=memory-count]').innerText();
  /** Waits for the memory list to say this. */
  const memoryCount = (page: Page, text: RegExp) =>
    page.locator('[data-testid=memory-count]', { hasText: text }).waitFor();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return;
    const app = createApp({ ...t.deps, consoleDir: built });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    keys.push(t.adminKey);
    browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 } });
    browser.on('request', (r) => requested.push(r.url()));
    // Something to show: an agent, a session, memories, and a corrected one.
    await must(t.adminKey, 'POST', '/agents', { name: 'web_crawler', description: 'crawls' });
    const session = await must(t.adminKey, 'POST', '/sessions', {
      agent_id: 'web_crawler',
      metadata: { task: 'catalogue' },
    });
    sessionId = session.session_id;
    const first = await must(t.adminKey, 'POST', '/memories', {
      agent_id: 'web_crawler',
      session_id: sessionId,
      content: 'deploys go out on Friday',
      memory_type: 'decision',
      tags: ['ops'],
      metadata: { source: 'standup' },
      importance: 0.8,
    });
    await must(t.adminKey, 'POST', '/memories', {
      agent_id: 'web_crawler',
      session_id: sessionId,
      content: 'deploys go out on Thursday',
      memory_type: 'decision',
      tags: ['ops'],
      supersedes: first.memory_id,
    });
    await must(t.adminKey, 'POST', '/memories', {
      memories: Array.from({ length: 30 }, (_, i) => ({
        agent_id: i % 2 ? 'web_crawler' : 'summarizer',
        session_id: sessionId,
        content: `crawled page ${i} of example.com`,
        event_type: 'page_crawled',
        tags: i < 7 ? ['products', 'stale'] : ['products'],
      })),
    });
  }, 60_000);

  beforeEach((ctx) => {
    if (!existsSync(CHROMIUM)) ctx.skip(SKIP_REASON);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(profile, { recursive: true, force: true });
  });

  it('loads every view of an operator key with no error, and shows them (screenshots)', async () => {
    // Arrange
    const errors: string[] = [];
    const page = await signedIn(t.adminKey, errors);
    mkdirSync(SHOTS, { recursive: true });

    // Act + Assert: each view, in turn
    await show(page, 'agents');
    const agent = page.locator('tr[data-agent]:has-text("web_crawler")');
    await agent.waitFor();
    // Its stats as the API counts them: the odd pages of the 30 and the live decision.
    const stats = await api(t.adminKey, 'GET', '/agents/web_crawler/stats');
    expect(stats.body.memory_count).toBe(16);
    expect(await agent.locator('td').nth(2).innerText()).toBe('16');
    await show(page, 'sessions');
    await page.locator(`tr[data-session=${sessionId}]`).waitFor();
    expect(await page.locator(`tr[data-session=${sessionId}]`).innerText()).toContain('catalogue');
    await show(page, 'memories');
    expect(await countText(page)).toContain('31 memories');
    expect(await page.locator('tr[data-memory]').count()).toBe(20);
    await applyMemoryFilter(page, { q: 'deploys' });
    await memoryCount(page, /^1 memory /);
    await page.click('tr[data-memory]:has-text("Thursday")');
    await page.locator('[data-testid=history] li').nth(1).waitFor();
    expect(await page.locator('[data-testid=history] li').allInnerTexts()).toEqual([
      expect.stringContaining('Friday'),
      expect.stringContaining('Thursday'),
    ]);
    expect(await page.locator('[data-testid=memory-detail]').innerText()).toContain('ops');
    await page.screenshot({ path: path.join(SHOTS, 'memories.png') });
    await show(page, 'context');
    await page.fill('input[name=session_id]', sessionId);
    await page.fill('input[name=max_tokens]', '60');
    await page.click('form.filters button[type=submit]');
    await page.locator('[data-testid=tokens]').waitFor();
    const answer = await api(t.adminKey, 'POST', `/sessions/${sessionId}/context`, {
      max_tokens: 60,
    });
    expect(Number(await page.locator('[data-testid=tokens]').innerText())).toBe(answer.body.tokens);
    expect(await page.locator('[data-testid=context]').innerText()).toBe(
      answer.body.context.trim(),
    );
    await page.screenshot({ path: path.join(SHOTS, 'context.png') });
    await show(page, 'keys');
    await page.locator('tr[data-key]').first().waitFor();
    await show(page, 'orgs');
    await page.locator('tr[data-org=org_default]').waitFor();

    expect(errors).toEqual([]);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    await page.close();
  }, 60_000);
  it('shows a memory written through the API, with its detail', async () => {
    // Arrange
    const page = await signedIn(t.adminKey);
    await show(page, 'memories');
    await memoryCount(page, /^31 memories/);
    await must(t.adminKey, 'POST', '/memories', {
      agent_id: 'web_crawler',
      content: 'the price of widget 42 rose to 19.99',
      memory_type: 'entity',
      tags: ['prices', 'widget'],
      metadata: { currency: 'EUR' },
      importance: 0.9,
    });

    // Act
    await applyMemoryFilter(page, { tags: 'prices, widget' });

    // Assert
    await memoryCount(page, /^1 memory /);
    const row = page.locator('tr[data-memory]');
    expect(await row.innerText()).toContain('the price of widget 42 rose to 19.99');
    await row.click();
    const detail = page.locator('[data-testid=memory-detail]');
    await detail.locator('[data-testid=history] li').waitFor();
    expect(await detail.innerText()).toContain('"currency": "EUR"');
    expect(await detail.innerText()).toContain('0.9');

    // Forgotten from its detail, after a dry run of its id
    const id = await row.getAttribute('data-memory');
    await detail.locator('button:has-text("Forget this memory")').click();
    expect(await detail.locator('[data-testid=would-delete] strong').innerText()).toBe('1');
    await detail.locator('.confirm button.danger').click();
    await memoryCount(page, /^0 memories/);
    expect((await api(t.adminKey, 'GET', `/memories/${id}`)).status).toBe(404);
    expect(await page.locator('[data-testid=memory-detail]').count()).toBe(0);
    await page.close();
  }, 30_000);

  it('makes a key that works against the API, shown once', async () => {
    // Arrange
    const page = await signedIn(t.adminKey);
    await show(page, 'keys');

    // Act
    await page.fill('input[name=key_name]', 'made in the console');
    await page.check('input[name=permission_write]');
    await page.click('form.filters button[type=submit]');
    const shown = page.locator('[data-testid=issued-key]');
    await shown.waitFor();
    const made = await shown.innerText();
    keys.push(made);
    await page.screenshot({ path: path.join(SHOTS, 'keys.png') });

    // Assert
    const who = await api(made, 'GET', '/auth/whoami');
    expect(who.status).toBe(200);
    expect(who.body.permissions).toEqual(['read', 'write']);
    const written = await api(made, 'POST', '/memories', {
      agent_id: 'a',
      content: 'by the new key',
    });
    expect(written.status).toBe(201);
    await must(made, 'DELETE', `/memories/${written.body.memory_id}`);
    await page.click('.issued button');
    expect(await page.locator('[data-testid=issued-key]').count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain(made);
    await page.close();
  }, 30_000);

  it('forgets exactly what the dry run counted, after showing that count', async () => {
    // Arrange
    const page = await signedIn(t.adminKey);
    await show(page, 'memories');
    await memoryCount(page, /^31 memories/);
    const before = await must(t.adminKey, 'GET', '/memories?limit=1');
    await applyMemoryFilter(page, { tags: 'stale' });
    await memoryCount(page, /^7 memories/);

    // Act
    await page.click('button:has-text("Forget every memory these filters match")');
    const counted = Number(await page.locator('[data-testid=would-delete] strong').innerText());
    await page.click('.confirm button.danger');
    await page.locator('[data-testid=deleted]').waitFor();

    // Assert
    expect(counted).toBe(7);
    expect(await page.locator('[data-testid=deleted]').innerText()).toBe('Forgot 7 memories.');
    const after = await must(t.adminKey, 'GET', '/memories?limit=1');
    expect(before.count - after.count).toBe(counted);
    expect((await must(t.adminKey, 'GET', '/memories?tags=stale')).count).toBe(0);
    expect((await must(t.adminKey, 'GET', '/memories?tags=products')).count).toBe(23);
    await memoryCount(page, /^0 memories/);
    await page.close();
  }, 30_000);

  it('shows a read key no write control, and the server refuses its writes', async () => {
    // Arrange
    const read = await issueKey(['read']);
    const page = await signedIn(read);

    // Act
    const tabs = await page.locator('header nav button').allInnerTexts();
    await show(page, 'memories');
    await page.locator('tr[data-memory]').first().click();
    await page.locator('[data-testid=history] li').first().waitFor();
    const memoryButtons = await page.locator('main button').allInnerTexts();
    await show(page, 'sessions');
    await page.locator(`tr[data-session=${sessionId}]`).waitFor();
    const sessionButtons = await page.locator('main button').allInnerTexts();
    const inputs = await page.locator('main input').count();
    // What the page could send with the key it holds, were the controls there.
    const refused = await page.evaluate(async (id) => {
      const key = (globalThis as unknown as PageGlobals).sessionStorage.getItem('memtrace.apiKey');
      const send = (method: string, p: string, body: unknown) =>
        fetch(`/api/v1${p}`, {
          method,
          headers: { 'x-api-key': key ?? '', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => [r.status, ((await r.json()) as { message: string }).message]);
      return [
        await send('POST', '/memories/forget', { tags: ['products'] }),
        await send('PUT', `/sessions/${id}`, { status: 'closed' }),
        await send('POST', '/keys', { name: 'x', permissions: ['admin'] }),
      ];
    }, sessionId);

    // Assert
    expect(tabs).toEqual(['Agents', 'Sessions', 'Memories', 'Context preview']);
    expect(memoryButtons.filter((b) => /forget/i.test(b))).toEqual([]);
    expect(sessionButtons.filter((b) => /close|reopen|merge/i.test(b))).toEqual([]);
    expect(sessionButtons).toContain('Context');
    expect(inputs).toBe(1); // the agent filter; no metadata editor
    expect(refused).toEqual([
      [403, "this API key lacks the 'write' permission"],
      [403, "this API key lacks the 'write' permission"],
      [403, "this API key lacks the 'admin' permission"],
    ]);
    expect((await must(t.adminKey, 'GET', '/memories?tags=products')).count).toBe(23);
    await page.close();
  }, 30_000);

  it("shows the server's message of every refusal", async () => {
    // Arrange
    const page = await browser!.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/console/`);

    // Act: a key the server does not know, then a session it does not know
    await page.fill('input[name=api-key]', `mtk_${'A'.repeat(43)}`);
    await page.click('button[type=submit]');
    const signInError = await page.locator('[role=alert]').innerText();
    await page.fill('input[name=api-key]', t.adminKey);
    await page.click('button[type=submit]');
    await show(page, 'context');
    await page.fill('input[name=session_id]', 'sess_nobody');
    await page.click('form.filters button[type=submit]');
    const contextError = await page.locator('[role=alert]').innerText();

    // Assert
    expect(signInError).toBe('invalid API key');
    const expected = await api(t.adminKey, 'POST', '/sessions/sess_nobody/context', {});
    expect(expected.status).toBe(404);
    expect(contextError).toBe(expected.body.message);
    await page.close();
  }, 30_000);

  it('never puts an API key in a URL, a log line, a cookie or localStorage', async () => {
    // Arrange: a tab signed in, for its storage
    const page = await signedIn(t.adminKey);
    await show(page, 'memories');

    // Act
    const storage = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return {
        local: JSON.stringify({ ...g.localStorage }),
        session: JSON.stringify({ ...g.sessionStorage }),
        cookie: g.document.cookie,
      };
    });
    const cookies = JSON.stringify(await browser!.cookies());

    // Assert: the checks can fail (the key is where it belongs), and it is nowhere else
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(storage.session).toContain(t.adminKey);
    expect(requested.length).toBeGreaterThan(20);
    expect(logged.length).toBeGreaterThan(20);
    for (const key of keys) {
      const secret = key.slice(4); // without the mtk_ prefix, in case of any encoding
      expect(requested.filter((u) => decodeURIComponent(u).includes(secret))).toEqual([]);
      expect(logged.filter((line) => line.includes(secret))).toEqual([]);
      expect(storage.local).not.toContain(secret);
      expect(storage.cookie).not.toContain(secret);
      expect(cookies).not.toContain(secret);
    }
    await page.close();
  }, 30_000);
});
