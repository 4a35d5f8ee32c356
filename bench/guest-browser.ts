/**
 * A guest's browser: a plain Chromium with no extension, the fake camera and
 * microphone granted without a prompt, launched with the flags the
 * end-to-end tests use. Each page gets a context of its own, as a stranger
 * opening a link has no cache, cookies or storage of this server's.
 */
import type { Browser, Page } from 'playwright-core';
import { launchPlainChromium } from '../test/e2e/support/browser';

export interface GuestBrowser {
  browser: Browser;
  /** A tab in a fresh context; closing it closes the context. */
  newPage: () => Promise<Page>;
  close: () => Promise<void>;
}

export async function launchGuestBrowser(): Promise<GuestBrowser> {
  const browser = await launchPlainChromium();
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
      const page = await context.newPage();
      page.once('close', () => void context.close().catch(() => undefined));
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
