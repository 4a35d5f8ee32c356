/**
 * A plain Chromium as a guest: no extension, a fresh profile (each page in a
 * context of its own, or in the profile itself), the fake camera
 * (Chromium's test pattern) granted without a prompt, driven by Playwright as
 * the other end-to-end tests drive Chromium.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, launchPlainChromium, plainChromiumOptions, processTree } from './browser';
import type { GuestBrowser, GuestBrowserOptions, GuestPage } from './guest-page';

type Role = Parameters<Page['getByRole']>[0];

const VIEWPORT = { width: 800, height: 900 };

export async function launchChromiumGuest({ fakeMedia = true, ownProfile = false }: GuestBrowserOptions = {}): Promise<GuestBrowser> {
  // Playwright picks the profile folder; a switch Chromium ignores names this browser's processes instead.
  const marker = `--peerdial-guest-browser=${randomUUID()}`;
  if (ownProfile) return launchInOwnProfile(marker, fakeMedia);
  const browser = await launchPlainChromium([marker], CHROMIUM, fakeMedia);
  return {
    processes: () => processTree(marker),
    // Each page in a context of its own: its own storage, as two people's browsers would be.
    async newPage() {
      const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
      return chromiumGuestPage(await context.newPage());
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

async function launchInOwnProfile(marker: string, fakeMedia: boolean): Promise<GuestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'peerdial-guest-profile-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    ...plainChromiumOptions([marker], CHROMIUM, fakeMedia),
    viewport: VIEWPORT,
    acceptDownloads: true,
  });
  return {
    processes: () => processTree(marker),
    async newPage() {
      const page = await context.newPage();
      // The page alone: its context is the browser's one profile.
      return { ...chromiumGuestPage(page), close: () => page.close().catch(() => undefined) };
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export function chromiumGuestPage(page: Page): GuestPage {
  const byRole = (role: string, name: string) => page.getByRole(role as Role, { name, exact: true });
  return {
    engine: 'chromium',
    async goto(url) {
      await page.goto(url);
    },
    async click(role, name) {
      await byRole(role, name).click();
    },
    async fill(role, name, text) {
      await byRole(role, name).fill(text);
    },
    has: async (role, name) => (await byRole(role, name).count()) > 0,
    async text(role, name) {
      const element = byRole(role, name);
      return (await element.count()) > 0 ? (await element.first().innerText()).trim() : null;
    },
    async labelled(label) {
      const element = page.getByLabel(label, { exact: true });
      return (await element.count()) > 0 ? (await element.first().innerText()).trim() : null;
    },
    texts: async (role) => (await page.getByRole(role as Role).allInnerTexts()).map((text) => text.trim()),
    async download(role, name) {
      const [download] = await Promise.all([page.waitForEvent('download'), byRole(role, name).click()]);
      return readFile(await download.path());
    },
    async chooseFiles(name, paths) {
      await page.getByLabel(name, { exact: true }).setInputFiles(paths);
    },
    ...pageEvaluator(page),
    async close() {
      await page.context().close().catch(() => undefined);
    },
  };
}

/** Runs a self-contained function in any Playwright page as a GuestPage does: an extension's page beside a guest's, say. */
export function pageEvaluator(page: Page): Pick<GuestPage, 'evaluate'> {
  // The argument goes over as JSON, so the generic parameter says nothing Playwright's handle types need.
  return { evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg) };
}
