/**
 * A real Firefox as a guest: Debian's firefox-esr driven by puppeteer-core
 * over WebDriver BiDi (Playwright's Firefox needs its own patched build).
 * Flags and limits per PLATFORM-NOTES.md: a fake camera and microphone with
 * no prompt, and elements found by role and accessible name.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Locator, type Page } from 'puppeteer-core';
import { withDescendants } from './browser';
import type { GuestBrowser, GuestBrowserOptions, GuestPage } from './guest-page';
import { eventually } from './probes';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * On top of the prefs puppeteer always writes (no app or add-on updates, no
 * Shield, no safe browsing lists, remote settings pointed at a data: URL):
 * everything else Firefox reaches out for on its own. The machines that run
 * the tests may have no route out, and a lookup that hangs there slows a test
 * or skews what it times.
 */
const QUIET_OFFLINE_PREFS = {
  'app.update.auto': false,
  'browser.aboutwelcome.enabled': false,
  'browser.discovery.enabled': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.ping-centre.telemetry': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.topsites.contile.enabled': false,
  'datareporting.usage.uploadEnabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.showPane': false,
  // OpenH264 is a download; without it Firefox offers VP8, which the extension's Chromium speaks too.
  'media.gmp-gmpopenh264.autoupdate': false,
  'media.gmp-gmpopenh264.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.predictor.enabled': false,
  'network.prefetch-next': false,
  // Straight to the test server, whatever proxy the machine's environment names.
  'network.proxy.type': 0,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
};

/**
 * A camera and a microphone for getUserMedia with no device and no prompt: Firefox's own drifting-colour picture and
 * tone. Without the fake streams getUserMedia finds no device, still with no prompt.
 */
const MEDIA_PREFS = {
  'media.navigator.permission.disabled': true,
  // The other side's picture and sound must play without a click, as Chromium's tests get with --autoplay-policy.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
};

export interface FirefoxBrowser extends GuestBrowser {
  browser: Browser;
}

/**
 * Launches firefox-esr headless with a fresh profile (puppeteer makes one in
 * the temp directory and removes it on close). Close it in an afterAll or a
 * finally, so it goes even when a test fails.
 */
export async function launchFirefox({ fakeMedia = true }: GuestBrowserOptions = {}): Promise<FirefoxBrowser> {
  const downloads = await mkdtemp(join(tmpdir(), 'peerdial-firefox-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { ...QUIET_OFFLINE_PREFS, ...MEDIA_PREFS, 'media.navigator.streams.fake': fakeMedia },
    // Saved without asking, where a test can read the bytes back.
    downloadBehavior: { policy: 'allow', downloadPath: downloads },
  });
  return {
    browser,
    async newPage() {
      const page = await browser.newPage();
      await page.setViewport({ width: 800, height: 900 });
      return firefoxGuestPage(page, downloads);
    },
    // The profile folder is puppeteer's to name; the process it started is known.
    processes: () => withDescendants([browser.process()!.pid!]),
    async close() {
      // A browser that no longer answers still has a process to end.
      await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
      await rm(downloads, { recursive: true, force: true });
    },
  };
}

/**
 * An ARIA query for elements by role and accessible name. Over BiDi the query
 * needs the role beside the name (the name alone finds nothing), both written
 * as attributes.
 */
function aria(role: string, name?: string): string {
  const named = name === undefined ? '' : `[name=${JSON.stringify(name)}]`;
  return `::-p-aria(${named}[role=${JSON.stringify(role)}])`;
}

export function byRole(page: Page, role: string, name?: string): Locator<Element> {
  return page.locator(aria(role, name));
}

function innerText(element: ElementHandle): Promise<string> {
  return element.evaluate((found) => (found as HTMLElement).innerText.trim());
}

/** The file a download adds to `folder`, once Firefox has finished writing it (it writes beside it as <name>.part until then). */
async function downloaded(folder: string, before: Set<string>): Promise<string> {
  let lastSize = -1;
  const done = await eventually(
    async () => {
      const now = await readdir(folder);
      const name = now.find((name) => !before.has(name) && !name.endsWith('.part') && !now.includes(`${name}.part`));
      // Firefox makes the target as an empty placeholder before it makes the .part it writes into: an empty file is
      // not done yet (the files these tests download are never empty), nor one still growing between two looks.
      const size = name ? (await stat(join(folder, name))).size : 0;
      const settled = size > 0 && size === lastSize;
      lastSize = size;
      return settled ? name! : null;
    },
    (name) => name !== null,
    `firefox: a download in ${folder}`,
  );
  return join(folder, done!);
}

export function firefoxGuestPage(page: Page, downloads: string): GuestPage {
  const textOf = async (selector: string) => {
    const element = await page.$(selector);
    return element ? innerText(element) : null;
  };
  return {
    engine: 'firefox',
    async goto(url) {
      await page.goto(url);
    },
    async click(role, name) {
      await byRole(page, role, name).click();
    },
    async fill(role, name, text) {
      await byRole(page, role, name).fill(text);
    },
    has: async (role, name) => (await page.$(aria(role, name))) !== null,
    texts: async (role) => Promise.all((await page.$$(aria(role))).map(innerText)),
    text: (role, name) => textOf(aria(role, name)),
    // An element's own aria-label is its name; the ARIA query cannot ask for a name without a role.
    labelled: (label) => textOf(`[aria-label=${JSON.stringify(label)}]`),
    async download(role, name) {
      const before = new Set(await readdir(downloads));
      await byRole(page, role, name).click();
      return readFile(await downloaded(downloads, before));
    },
    async chooseFiles(name, paths) {
      // Firefox's accessibility tree gives a file input no role an ARIA query can name: find it by what its label says.
      for (const input of await page.$$('input[type="file"]')) {
        const label = await input.evaluate((element) => element.getAttribute('aria-label') ?? [...(element.labels ?? [])].map((l) => l.innerText.trim()).join(' '));
        if (label !== name) continue;
        await input.uploadFile(...paths);
        return;
      }
      throw new Error(`firefox: no file input labelled "${name}"`);
    },
    // The argument goes over as JSON, so the generic parameter says nothing puppeteer's handle types need.
    evaluate: async <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => (await page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg)) as R,
    async close() {
      await page.close().catch(() => undefined);
    },
  };
}
