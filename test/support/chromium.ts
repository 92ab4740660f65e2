import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH } from './skip-notice.js';

/**
 * Debian's Chromium, headless, in a fresh profile directory (nothing of an earlier run or of the
 * user's own browser), with the background services off: this machine's network is closed, and
 * Chromium would otherwise keep opening connections that are refused.
 */
export function launchChromium(
  profile: string,
  options: { args?: string[]; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(options.args ?? []),
    ],
    ...(options.viewport ? { viewport: options.viewport } : {}),
    timeout: 30_000,
  });
}
