/**
 * A real Chromium with the built extension loaded, one per calling party (one
 * profile holds one instance of the extension). Flags per PLATFORM-NOTES.md.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  /** Let tabCapture work without a real toolbar click (automation only); needs `fakeMedia: false` to capture. */
  allowTabCapture?: boolean;
  /** A browser window of this size with no emulated viewport, so a captured tab renders at its real size. */
  windowSize?: { width: number; height: number };
  /** Chrome's screen picker chooses the source whose title contains this, with no person to click (Chromium's own test switch). */
  autoPickCaptureSource?: string;
}

/** Chrome's id for an extension with this manifest `key`: SHA-256 of the key, first 32 hex digits written a–p. */
export function extensionIdFromKey(base64Key: string): string {
  const hex = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

async function builtExtensionId(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(DIST, 'manifest.json'), 'utf8')) as { key: string };
  return extensionIdFromKey(manifest.key);
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  url(path: string): string;
  /** The popup, opened in a tab as a developer would, and pointed at the test's server. */
  openPopup(serverUrl: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchExtensionBrowser(options: BrowserOptions = {}): Promise<ExtensionBrowser> {
  const { fakeMedia = true, fakeUi = true, allowTabCapture = false, windowSize, autoPickCaptureSource } = options;
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
  if (allowTabCapture) args.push(`--allowlisted-extension-id=${await builtExtensionId()}`);
  if (windowSize) args.push(`--window-size=${windowSize.width},${windowSize.height}`);
  if (autoPickCaptureSource) args.push(`--auto-select-desktop-capture-source=${autoPickCaptureSource}`);

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    args,
    // Playwright mutes audio when it launches headless itself; we pass --headless=new and keep sound.
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: windowSize ? null : { width: 400, height: 720 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  if (allowTabCapture && extensionId !== (await builtExtensionId())) {
    throw new Error(`The extension loaded as ${extensionId}, not the id its manifest key gives; tab capture would be refused.`);
  }
  const url = (path: string) => `chrome-extension://${extensionId}/${path}`;

  return {
    context,
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
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
