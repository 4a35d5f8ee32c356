/**
 * A real Chromium with the built extension loaded, one per calling party (one
 * profile holds one instance of the extension). Flags per PLATFORM-NOTES.md.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

export const DIST = resolve(import.meta.dirname, '../../../dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium as PLATFORM-NOTES.md has it run here; the extension flags come on top. */
export const HEADLESS_ARGS = [
  '--headless=new',
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
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/**
 * A plain Chromium, no extension, with its sound on: a guest page's browser. `extraArgs`: a marker to find its
 * processes by, say. `fakeMedia`: the fake camera and microphone; without them it has no device at all, as a
 * machine with no camera.
 */
export function launchPlainChromium(extraArgs: string[] = [], executablePath = CHROMIUM, fakeMedia = true): Promise<Browser> {
  return chromium.launch(plainChromiumOptions(extraArgs, executablePath, fakeMedia));
}

/** How a plain Chromium is started, for `chromium.launch` or (a profile on disk) `launchPersistentContext`. */
export function plainChromiumOptions(extraArgs: string[], executablePath: string, fakeMedia: boolean) {
  return {
    executablePath,
    headless: false,
    args: [...HEADLESS_ARGS, ...(fakeMedia ? FAKE_MEDIA_ARGS : []), ...extraArgs],
    // Playwright mutes audio when it launches headless itself; we pass --headless=new and keep sound.
    ignoreDefaultArgs: ['--mute-audio'],
  };
}

export interface BrowserOptions {
  /** The fake camera and microphone (a test pattern and a beep). */
  fakeMedia?: boolean;
  /**
   * How many fake cameras (Chromium's `device-count`, up to 10), named
   * fake_device_0, 1, 2…. The second is a depth camera (Y16) whose frames a
   * peer connection does not send; the others send the same test pattern.
   * There are always three fake microphones and three fake speakers.
   */
  cameras?: number;
  /** A YUV4MPEG2 (.y4m) file the fake camera plays instead of its test pattern, looping it (Chromium's own test switch). */
  cameraFile?: string;
  /** Grant every media prompt without showing it; off to see the real permission path. */
  fakeUi?: boolean;
  /** Where files saved through the downloads API land, so a test can read them from disk. */
  downloadsPath?: string;
  /** Let tabCapture work without a real toolbar click (automation only); needs `fakeMedia: false` to capture. */
  allowTabCapture?: boolean;
  /** A browser window of this size with no emulated viewport, so a captured tab renders at its real size. */
  windowSize?: { width: number; height: number };
  /** Chrome's screen picker chooses the source whose title contains this, with no person to click (Chromium's own test switch). */
  autoPickCaptureSource?: string;
  /** Another way to start Chromium: a wrapper that runs it inside a network namespace (support/nat-lab.ts). */
  executablePath?: string;
  /** More of Chromium's switches. */
  extraArgs?: string[];
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
  /** The extension's current service worker: a stopped worker comes back as a new one. */
  readonly worker: Worker;
  url: (path: string) => string;
  /** The popup, opened in a tab as a developer would, and pointed at the test's server. */
  openPopup: (serverUrl: string) => Promise<Page>;
  /** The process ids of this browser: the browser process and everything it started. */
  processes: () => Promise<number[]>;
  /** Kills every process of this browser at once, as a crash or a power cut would. */
  kill: () => Promise<void>;
  /** The popup again, as it is (no settings touched: those are locked during a call). */
  reopenPopup: () => Promise<Page>;
  close: () => Promise<void>;
}

export async function launchExtensionBrowser(options: BrowserOptions = {}): Promise<ExtensionBrowser> {
  const { fakeMedia = true, fakeUi = true, allowTabCapture = false, windowSize, autoPickCaptureSource, cameras = 1, cameraFile, executablePath = CHROMIUM, extraArgs = [] } = options;
  const profile = await mkdtemp(join(tmpdir(), 'peerdial-profile-'));
  const args = [`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`, ...HEADLESS_ARGS, ...extraArgs];
  if (fakeMedia) args.push(cameras > 1 ? `--use-fake-device-for-media-stream=device-count=${cameras}` : '--use-fake-device-for-media-stream');
  if (cameraFile) args.push(`--use-file-for-fake-video-capture=${cameraFile}`);
  if (fakeUi) args.push('--use-fake-ui-for-media-stream');
  if (allowTabCapture) args.push(`--allowlisted-extension-id=${await builtExtensionId()}`);
  if (windowSize) args.push(`--window-size=${windowSize.width},${windowSize.height}`);
  if (autoPickCaptureSource) args.push(`--auto-select-desktop-capture-source=${autoPickCaptureSource}`);
  // Every page's console, the offscreen document's too, on the browser's stderr: run with DEBUG=pw:browser to see it.
  if (process.env.E2E_BROWSER_CONSOLE) args.push('--enable-logging=stderr', '--v=0');

  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: false,
    args,
    // Playwright mutes audio when it launches headless itself; we pass --headless=new and keep sound.
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: windowSize ? null : { width: 400, height: 720 },
    acceptDownloads: true,
    downloadsPath: options.downloadsPath,
  });
  let worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  context.on('serviceworker', (next) => (worker = next));
  const extensionId = new URL(worker.url()).host;
  if (allowTabCapture && extensionId !== (await builtExtensionId())) {
    throw new Error(`The extension loaded as ${extensionId}, not the id its manifest key gives; tab capture would be refused.`);
  }
  const url = (path: string) => `chrome-extension://${extensionId}/${path}`;

  const browser: ExtensionBrowser = {
    context,
    extensionId,
    get worker() {
      return worker;
    },
    url,
    async openPopup(serverUrl) {
      const page = await context.newPage();
      await page.goto(url('src/popup/index.html'));
      await page.getByText('Settings').click();
      await page.getByLabel('Server URL').fill(serverUrl);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Online', { exact: true }).waitFor();
      return page;
    },
    processes: () => processTree(`--user-data-dir=${profile}`),
    async kill() {
      signalEach(await browser.processes(), 'SIGKILL');
    },
    async reopenPopup() {
      const page = await context.newPage();
      await page.goto(url('src/popup/index.html'));
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/**
 * The processes of every browser whose command line has `flag`, with their
 * helpers: the browser process carries its profile on its command line; the
 * network, GPU and renderer processes descend from it.
 */
export async function processTree(flag: string): Promise<number[]> {
  return withDescendants(await pids(['-f', '--', flag]));
}

/** These processes and every process they started, down the tree: Firefox starts its content processes from a fork server of its own. */
export async function withDescendants(roots: number[]): Promise<number[]> {
  const all = new Set<number>();
  const visit = async (pid: number) => {
    if (all.has(pid)) return;
    all.add(pid);
    for (const child of await pids(['-P', String(pid)])) await visit(child);
  };
  for (const root of roots) await visit(root);
  return [...all];
}

/**
 * Sends `signal` to each process still alive. A browser's helpers come and go
 * (a utility process exits, a renderer is replaced) between listing and
 * signalling: one gone since is skipped, not an error.
 */
export function signalEach(processes: number[], signal: NodeJS.Signals): void {
  for (const pid of processes) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

function pids(pgrepArgs: string[]): Promise<number[]> {
  return new Promise((resolve) =>
    execFile('pgrep', pgrepArgs, (_error, stdout) => resolve(stdout.split('\n').filter(Boolean).map(Number))),
  );
}
