/**
 * What the guest page costs a stranger who opens an invite link: the
 * JavaScript it ships, and how soon after the link is opened it shows its
 * Call button and can call. Each load is a first visit (a fresh context, so
 * no cache), to a code nobody holds: the page registers its own code either
 * way, and nothing on it waits for the invited one.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../test/e2e/support/server';
import { generateIdentity } from '../src/shared/call-code';
import { inviteLink } from '../src/shared/invite-link';
import { PAGE_PRELUDE } from './frame-timing';
import { launchGuestBrowser } from './guest-browser';
import { BENCH_SERVER_ENV, STEP_TIMEOUT_MS } from './stats';

const DIST_GUEST = resolve(import.meta.dirname, '../dist-guest');
/** Issue 19's budget for the page's JavaScript, gzipped: a guest opens the link on whatever connection they have. */
export const GUEST_JS_BUDGET_BYTES = 60 * 1024;

export interface GuestPageFootprint {
  jsGzipBytes: number;
  /** The WebAssembly the page fetches only when a file is sent or received (the SHA-256), gzipped: not JavaScript, shown beside it. */
  wasmGzipBytes: number;
  /** Navigation start → the frame that first painted the Call button, as presented. */
  firstRenderMs: number[];
  /** Navigation start → the Call button painted and enabled (the page registered its code), whichever came later. */
  readyToCallMs: number[];
}

/**
 * Every file of a kind the build emits (for scripts: the page's bundle and the worker it starts during a call),
 * each gzipped as a server would send it.
 */
async function guestAssetsGzip(extension: '.js' | '.wasm'): Promise<number> {
  const assets = join(DIST_GUEST, 'assets');
  let total = 0;
  for (const name of await readdir(assets)) if (name.endsWith(extension)) total += gzipSync(await readFile(join(assets, name))).length;
  return total;
}

/**
 * The Call button on the page's own performance timeline, whose zero is the
 * navigation's start. Its first paint is an Element Timing entry: the
 * attribute is set as the button enters the DOM, before the frame that
 * paints it, and the entry's renderTime is when that frame was presented
 * (requestAnimationFrame runs before style, layout and raster, 40-80 ms
 * earlier here). Its enabling, when the page has registered and a click
 * would dial, is a mark set as the DOM changes.
 */
function watchCallButton(): void {
  const check = () => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Call');
    if (!button) return;
    if (!button.hasAttribute('elementtiming')) button.setAttribute('elementtiming', 'call-button');
    if (!button.disabled && performance.getEntriesByName('bench:call-enabled').length === 0) performance.mark('bench:call-enabled');
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { identifier: string; renderTime: number })[]) {
      if (entry.identifier === 'call-button') performance.mark('bench:call-painted', { startTime: entry.renderTime });
    }
  }).observe({ type: 'element', buffered: true });
}

export async function measureGuestPageFootprint(samples: number): Promise<GuestPageFootprint> {
  const server = await startServer(BENCH_SERVER_ENV, undefined, STEP_TIMEOUT_MS);
  const guest = await launchGuestBrowser();
  try {
    const link = inviteLink(server.url, (await generateIdentity()).code)!;
    const firstRenderMs: number[] = [];
    const readyToCallMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const page = await guest.newPage();
      await page.addInitScript(PAGE_PRELUDE);
      await page.addInitScript(watchCallButton);
      await page.goto(link);
      const at = await page.waitForFunction(() => {
        const [painted] = performance.getEntriesByName('bench:call-painted');
        const [enabled] = performance.getEntriesByName('bench:call-enabled');
        return painted && enabled && { painted: painted.startTime, enabled: enabled.startTime };
      });
      const { painted, enabled } = (await at.jsonValue()) as { painted: number; enabled: number };
      firstRenderMs.push(painted);
      // A button enabled before its first frame is presented cannot be clicked any sooner than that.
      readyToCallMs.push(Math.max(painted, enabled));
      await page.close();
    }
    console.log('  footprint: guest page loads measured');
    return { jsGzipBytes: await guestAssetsGzip('.js'), wasmGzipBytes: await guestAssetsGzip('.wasm'), firstRenderMs, readyToCallMs };
  } finally {
    await guest.close();
    await server.stop();
  }
}
