/**
 * Sharing a tab, end to end: the sharer's browser has no fake devices and no
 * fake permission UI (each breaks tab capture: "Requested device not found")
 * and may capture tabs without a real toolbar click
 * (--allowlisted-extension-id); it opens PeerDial's real toolbar popup over a
 * test page served from local HTTP and presses "Share this tab" next to the
 * call code. The receiver is an ordinary fake-media browser, and the test
 * checks what it sees and hears: the page's size, colours and changes, and
 * the page's tone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { PATTERN, PATTERN_TITLE, type PatternServer, QUADRANT_CENTRES, type Rgb, rotated, servePatternPage } from './support/pattern-page';
import { eventually, myCode, shareReception, videoColours, waitForStatus } from './support/probes';
import { openRealPopup, type RealPopup } from './support/real-popup';
import { type RunningServer, startServer } from './support/server';

/** A 1080p-ish tab: the size the sender's bitrate is chosen for. */
const SHARER_WINDOW = { width: 1920, height: 1080 };
/** Per-channel difference a VP8 or H.264 round trip leaves in a flat, saturated area. */
const CODEC_TOLERANCE = 60;

let server: RunningServer;
let patterns: PatternServer;
let sharer: ExtensionBrowser;
let receiver: ExtensionBrowser;
let receiverPopup: Page;
let sharerCode: string;
let tab: Page;
let popup: RealPopup | null = null;

beforeAll(async () => {
  [server, patterns] = await Promise.all([startServer(), servePatternPage()]);
  [sharer, receiver] = await Promise.all([
    launchExtensionBrowser({
      fakeMedia: false,
      fakeUi: false,
      allowTabCapture: true,
      windowSize: SHARER_WINDOW,
      // "Share screen": nobody is there to click in Chrome's picker, and a headless browser has no screen; pick the test page's tab from it.
      autoPickCaptureSource: PATTERN_TITLE,
    }),
    launchExtensionBrowser(),
  ]);
  receiverPopup = await receiver.openPopup(server.url);
  // The sharer's popup, opened as a tab just to point it at the test's server and read its code.
  const setup = await sharer.openPopup(server.url);
  sharerCode = await myCode(setup);
  await setup.close();
  tab = sharer.context.pages()[0] ?? (await sharer.context.newPage());
  await tab.goto(patterns.url);
});

afterAll(async () => {
  await popup?.close();
  await Promise.all([sharer?.close(), receiver?.close()]);
  await Promise.all([server?.stop(), patterns?.stop()]);
});

function near(seen: Rgb, expected: Rgb): boolean {
  return seen.every((value, i) => Math.abs(value - expected[i]!) <= CODEC_TOLERANCE);
}

function showsPattern(page: Page, expected: Rgb[]): Promise<Rgb[]> {
  return eventually(
    () => videoColours(page, 'Shared content', QUADRANT_CENTRES),
    (seen) => seen.every((colour, i) => near(colour, expected[i]!)),
    `the shared video to show ${JSON.stringify(expected)}`,
    30_000,
  );
}

describe('sharing a tab in a call', () => {
  it('dials with "Share this tab", and the other side sees and hears that tab until the sharer stops', async () => {
    const receiverCode = await myCode(receiverPopup);
    const viewport = await tab.evaluate(() => ({ width: innerWidth * devicePixelRatio, height: innerHeight * devicePixelRatio, tone: (window as unknown as { toneState: () => string }).toneState() }));
    expect(viewport.tone).toBe('running');

    popup = await openRealPopup(sharer, tab);
    await popup.type('textbox', 'Call code', receiverCode);
    await popup.click('button', 'Share this tab');

    await waitForStatus(receiverPopup, new RegExp(`Incoming call from ${sharerCode}`));
    await receiverPopup.getByRole('button', { name: 'Accept' }).click();
    await waitForStatus(receiverPopup, new RegExp(`In call with ${sharerCode}`));
    // Chrome closes the popup when the capture starts (focus moves to its sharing indicator), as it does for a person.
    await popup.close();

    // The shared tab arrives as its own video, at the tab's size and shape.
    const shared = receiverPopup.getByLabel('Shared content');
    await shared.waitFor({ timeout: 30_000 });
    const size = await eventually(
      () => shared.evaluate((video: HTMLVideoElement) => ({ width: video.videoWidth, height: video.videoHeight })),
      (s) => s.width > 0,
      'shared video frames',
      30_000,
    );
    console.log(`Tab viewport ${viewport.width}x${viewport.height}, shared video ${size.width}x${size.height}`);
    expect(size.width / size.height).toBeCloseTo(viewport.width / viewport.height, 1);
    expect(size.width).toBeGreaterThanOrEqual(viewport.width * 0.5);
    expect(size.width).toBeLessThanOrEqual(viewport.width);

    await showsPattern(receiverPopup, PATTERN);
    await tab.evaluate(() => (window as unknown as { rotatePattern: () => number }).rotatePattern());
    await showsPattern(receiverPopup, rotated(PATTERN, 1));

    // The page's tone reaches the other side on the shared stream's audio track.
    const before = await eventually(() => shareReception(receiverPopup), (r) => (r?.audioEnergy ?? 0) > 0, 'shared tab audio');
    const after = await eventually(() => shareReception(receiverPopup), (r) => r!.audioEnergy > before!.audioEnergy + 0.01, 'shared tab audio to keep carrying sound');
    expect(after!.audioLevel).toBeGreaterThan(0.01);

    // The sharer's popup, opened again over the shared tab, names what is shared, and the badge says so.
    popup = await openRealPopup(sharer, tab);
    await eventually(() => popup!.text(), (text) => /Sharing (a tab|the tab “PeerDial share test pattern”)/.test(text), 'the popup to say what is shared');
    expect(await sharer.worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('SHR');

    // A bar sweeping across the tab: the picture keeps moving at the size it arrived in. The sender is told to drop
    // frames rather than pixels and that the content is detail, so text in a moving page stays readable.
    await tab.evaluate(() => (window as unknown as { animate: (on: boolean) => void }).animate(true));
    const moving = (await shareReception(receiverPopup))!;
    const later = (await eventually(
      () => shareReception(receiverPopup),
      (r) => r!.framesPerSecond > 0 && r!.videoBytes > moving.videoBytes + 50_000,
      'the moving tab to keep arriving',
      30_000,
    ))!;
    expect(later.frameWidth).toBeGreaterThanOrEqual(size.width);
    expect(await shareSenderTuning(popup)).toEqual({ degradation: 'maintain-resolution', hint: 'detail' });
    await tab.evaluate(() => (window as unknown as { animate: (on: boolean) => void }).animate(false));

    await popup.click('button', 'Stop sharing');
    await shared.waitFor({ state: 'detached', timeout: 30_000 });
    await eventually(() => shareReception(receiverPopup), (r) => r?.videoTracks === 0, 'the receiver to have no shared video');
    await eventually(() => popup!.has('button', 'Stop sharing'), (has) => !has, 'the Stop sharing button to go');
    expect(await sharer.worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('LIVE');
  });

  it('switches to another tab without renegotiating, and stops in words when the shared tab is closed', async () => {
    // Share the first tab again (its pattern is rotated once since the first test).
    await popup?.close();
    popup = await openRealPopup(sharer, tab);
    await popup.click('button', 'Share this tab');
    const shared = receiverPopup.getByLabel('Shared content');
    await shared.waitFor({ timeout: 30_000 });
    await showsPattern(receiverPopup, rotated(PATTERN, 1));
    const negotiated = await remoteDescription(receiverPopup);

    // Another tab, shared from its own popup: its unrotated pattern replaces the first, on the same transceivers.
    const second = await sharer.context.newPage();
    await second.goto(patterns.url);
    await popup.close();
    popup = await openRealPopup(sharer, second);
    await popup.click('button', 'Share this tab');
    await showsPattern(receiverPopup, PATTERN);
    expect(await remoteDescription(receiverPopup)).toBe(negotiated);

    await second.close();
    await shared.waitFor({ state: 'detached', timeout: 30_000 });
    await eventually(() => shareReception(receiverPopup), (r) => r?.videoTracks === 0, 'the receiver to have no shared video');
    await popup.close();
    popup = await openRealPopup(sharer, tab);
    await eventually(() => popup!.text(), (text) => text.includes('Sharing stopped: the shared tab was closed.'), 'the reason sharing stopped');

    await popup.click('button', 'Hang up');
    await waitForStatus(receiverPopup, /ended/);
  });

  it('shares what is picked in Chrome\'s screen picker, and stops when its window is closed', async () => {
    await popup?.close();
    popup = await openRealPopup(sharer, tab);
    await popup.type('textbox', 'Call code', await myCode(receiverPopup));
    await popup.click('button', 'Call');
    await waitForStatus(receiverPopup, new RegExp(`Incoming call from ${sharerCode}`));
    await receiverPopup.getByRole('button', { name: 'Accept' }).click();
    await waitForStatus(receiverPopup, new RegExp(`In call with ${sharerCode}`));

    const pickerOpened = sharer.context.waitForEvent('page', { predicate: (page) => page.url().endsWith('/src/share-screen/index.html') });
    await popup.click('button', 'Share screen');
    const picker = await pickerOpened;
    const shared = receiverPopup.getByLabel('Shared content');
    await shared.waitFor({ timeout: 30_000 });
    await showsPattern(receiverPopup, rotated(PATTERN, 1));
    await picker.getByText('Your screen is shared in the PeerDial call').waitFor();
    await popup.close();
    popup = await openRealPopup(sharer, tab);
    await eventually(() => popup!.text(), (text) => text.includes('Sharing your screen'), 'the popup to say the screen is shared');

    await picker.close();
    await shared.waitFor({ state: 'detached', timeout: 30_000 });
    await eventually(() => popup!.text(), (text) => text.includes('Sharing stopped: the screen sharing window was closed.'), 'the reason sharing stopped');
    await popup.click('button', 'Hang up');
    await waitForStatus(receiverPopup, /ended/);
  });
});

/** The receiver's last negotiated offer or answer from the sharer: unchanged means no renegotiation happened. */
function remoteDescription(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      if (pc) return pc.currentRemoteDescription?.sdp ?? null;
    }
    return null;
  });
}

/** How the sharer's popup finds its share sender tuned: what keeps a shared page's text readable. */
function shareSenderTuning(popup: RealPopup): Promise<{ degradation: string | null; hint: string | null }> {
  return popup.evaluate(`(() => {
    const streams = chrome.extension.getViews().map((v) => v.peerdialStreams).find((s) => s && s.pc);
    const track = streams.localShare.getVideoTracks()[0];
    const params = streams.pc.getSenders().find((s) => s.track === track).getParameters();
    return { degradation: params.degradationPreference ?? null, hint: track.contentHint };
  })()`);
}
