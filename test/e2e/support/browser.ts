/**
 * A real Chromium with the built extension loaded, one per calling party (one
 * profile holds one instance of the extension). Flags per PLATFORM-NOTES.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

export const DIST = resolve(import.meta.dirname, '../../../dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserOptions {
  /** The fake camera and microphone (a test pattern and a beep). */
  fakeMedia?: boolean;
  /** Grant every media prompt without showing it; off to see the real permission path. */
  fakeUi?: boolean;
  /** Where files saved through the downloads API land, so a test can read them from disk. */
  downloadsPath?: string;
}

export interface ExtensionBrowser {
  context: BrowserContext;
  /** The profile folder, which names this browser's processes (benchmarks read their memory). */
  profile: string;
  extensionId: string;
  worker: Worker;
  url(path: string): string;
  /** The popup, opened in a tab as a developer would, and pointed at the test's server. */
  openPopup(serverUrl: string): Promise<Page>;
  /** The popup again, as it is (no settings touched: those are locked during a call). */
  reopenPopup(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchExtensionBrowser(options: BrowserOptions = {}): Promise<ExtensionBrowser> {
  const { fakeMedia = true, fakeUi = true } = options;
  const profile = await mkdtemp(join(tmpdir(), 'peerdial-profile-'));
  const args = [
    '--headless=new',
    `--disable-extensions-except=${DIST}`,
    `--load-extension=${DIST}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    // Autoplay of the remote stream must not wait for a gesture in a test.
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (fakeMedia) args.push('--use-fake-device-for-media-stream');
  if (fakeUi) args.push('--use-fake-ui-for-media-stream');

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    args,
    // Playwright mutes audio when it launches headless itself; we pass --headless=new and keep sound.
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: { width: 400, height: 720 },
    acceptDownloads: true,
    downloadsPath: options.downloadsPath,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const url = (path: string) => `chrome-extension://${extensionId}/${path}`;

  return {
    context,
    profile,
    extensionId,
    worker,
    url,
    async openPopup(serverUrl) {
      const page = await context.newPage();
      await page.goto(url('src/popup/index.html'));
      await page.getByText('Settings').click();
      await page.getByLabel('Server URL').fill(serverUrl);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Online', { exact: true }).waitFor();
      return page;
    },
    async reopenPopup() {
      const page = await context.newPage();
      await page.goto(url('src/popup/index.html'));
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
