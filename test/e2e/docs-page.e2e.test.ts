import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentedRoutes, openApiDocument } from '../../adapters/http/openapi/openapi-document.js';
import {
  sampleBody,
  sampleQuery,
  type DocumentedBody,
  type DocumentedParameter,
} from '../support/openapi-examples.js';
import { launchChromium } from '../support/chromium.js';
import { CHROMIUM_PATH as CHROMIUM } from '../support/skip-notice.js';
import { buildTestApp } from '../support/test-app.js';

interface DocumentedOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly DocumentedParameter[];
  readonly requestBody?: DocumentedBody;
}
const SKIP_REASON = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to test /docs`;
/**
 * A name Chromium resolves to 127.0.0.1 (--host-resolver-rules): an http origin that is not
 * localhost, so not potentially trustworthy, as when the page is opened from another machine.
 */
const REMOTE_NAME = 'memtrace.test';

describe('GET /docs', () => {
  let server: Server | undefined;
  let browser: BrowserContext | undefined;
  let base = '';
  let remote = '';
  const profile = mkdtempSync(path.join(tmpdir(), 'memtrace-chromium-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return;
    const { app } = await buildTestApp();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    remote = `http://${REMOTE_NAME}:${port}`;
    browser = await launchChromium(profile, {
      args: [`--host-resolver-rules=MAP ${REMOTE_NAME} 127.0.0.1`],
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

  it('renders and runs "Try it out" on the server it is served from when opened by a name other than localhost', async () => {
    // Arrange
    const page = await browser!.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('console', (m) => {
      // Chromium notes that it ignores helmet's Cross-Origin-Opener-Policy on a plain-http origin
      // (the header takes effect over https, behind a proxy); the page works either way.
      if (m.type() === 'error' && !m.text().startsWith('The Cross-Origin-Opener-Policy header'))
        failures.push(m.text());
    });
    page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));

    // Act
    await page.goto(`${remote}/docs`, { waitUntil: 'load', timeout: 20_000 });
    const ops = page.locator('.opblock');
    await ops.first().waitFor({ timeout: 20_000 });
    const health = page.locator('#operations-health-health');
    await health.locator('.opblock-summary').click();
    await health.locator('.try-out__btn').click();
    await health.locator('.execute').click();
    const status = health.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 20_000 });

    // Assert
    expect(await ops.count()).toBe(documentedRoutes().length);
    expect((await status.innerText()).trim()).toBe('200');
    expect(await health.locator('.request-url').innerText()).toContain(`${remote}/health`);
    expect(failures).toEqual([]);
    expect(requested.filter((u) => !u.startsWith(remote) && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('pre-fills "Try it out" with what the examples test sends', async () => {
    // Arrange
    const page = await browser!.newPage();
    await page.goto(`${base}/docs/`, { waitUntil: 'load', timeout: 20_000 });
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const doc = openApiDocument();
    const paths = doc.paths as Record<string, Record<string, DocumentedOperation>>;
    const operations = Object.entries(paths).flatMap(([p, ops]) =>
      Object.values(ops).map((op) => ({ path: p, op })),
    );

    for (const { path: p, op } of operations) {
      const block = page.locator(`#operations-${op.tags[0]}-${op.operationId}`);
      const withQuery = !p.includes('{') && op.parameters?.some((q) => q.in === 'query');
      if (!op.requestBody && !withQuery) continue;
      // Act
      await block.locator('.opblock-summary').click();
      await block.locator('.try-out__btn').click();

      // Assert: the body in the editor, and the query of the request it sends
      if (op.requestBody) {
        const text = await block.locator('textarea.body-param__text').inputValue();
        expect(JSON.parse(text), op.operationId).toEqual(sampleBody(doc, op.requestBody));
      }
      if (withQuery) {
        await block.locator('.execute').click();
        const sent = new URL(await block.locator('.request-url pre').innerText());
        expect(sent.search, op.operationId).toBe(`?${sampleQuery(op.parameters ?? [])}`);
      }
    }
    await page.close();
  }, 120_000);
});
