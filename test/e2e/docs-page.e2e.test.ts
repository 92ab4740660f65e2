import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentedRoutes } from '../../adapters/http/openapi/openapi-document.js';
import { buildTestApp } from '../support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP_REASON = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to test /docs`;

describe('GET /docs', () => {
  let server: Server | undefined;
  let browser: BrowserContext | undefined;
  let base = '';
  const profile = mkdtempSync(path.join(tmpdir(), 'memtrace-chromium-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return;
    const { app } = await buildTestApp();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A fresh profile directory: nothing of an earlier run or of the user's own browser.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      timeout: 30_000,
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

  it('lists every endpoint with assets served only by memtrace when opened in Chromium', async () => {
    const page = await browser!.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));

    await page.goto(`${base}/docs`, { waitUntil: 'load', timeout: 20_000 });
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });

    expect(page.url()).toBe(`${base}/docs/`);
    const shown = await page.locator('.opblock-summary-path').allInnerTexts();
    const ops = documentedRoutes();
    expect(shown).toHaveLength(ops.length);
    const normalise = (p: string) => p.replace(/\u200b/g, '').trim();
    expect(new Set(shown.map(normalise))).toEqual(new Set(ops.map((o) => o.path)));
    expect(await page.title()).toBe('memtrace API reference');
    expect(failures).toEqual([]);
    // Offline: nothing is fetched from anywhere but memtrace itself.
    expect(requested.filter((u) => !u.startsWith(base) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  }, 60_000);
});
