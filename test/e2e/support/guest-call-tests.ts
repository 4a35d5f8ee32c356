/**
 * The guest call, end to end, for any guest browser (issue 19): a person with
 * only an invite link calls a PeerDial user. The host is the extension in
 * Chromium, its camera a flat dark blue (flat-camera.ts); the guest is a
 * plain page in Firefox or Chromium, its camera the browser's own moving
 * fake. One host, one guest browser and one server for the file; a fresh
 * popup and a fresh guest page for each test; one call per test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type CallCode, parseCallCode } from '../../../src/shared/call-code';
import { inviteLink } from '../../../src/shared/invite-link';
import { type ExtensionBrowser, launchExtensionBrowser } from './browser';
import { endAnyCall } from './calls';
import { writeFlatCamera } from './flat-camera';
import { type GuestBrowser, guestDials, type GuestPage, hostAcceptsGuest, videoFrame, waitForFrame, waitForText, waitForTextIn } from './guest-page';
import { PATTERN, PATTERN_TITLE, type PatternServer, QUADRANT_CENTRES, servePatternPage } from './pattern-page';
import { eventually, myCode, offscreenDocuments, waitForStatus } from './probes';
import { type RunningServer, startServer } from './server';
import { colourDistance, FRAME_GRID, moved, readVideoFrame, rgbFromYCbCr, showsFlatColour, showsOtherPicture, type VideoFrame } from './video-colour';

/** The host's camera: a dark blue, far in brightness from Firefox's drifting fake and unlike Chromium's test pattern. */
const HOST_CAMERA: [number, number, number] = [80, 200, 100];
const HOST_COLOUR = rgbFromYCbCr(HOST_CAMERA);
/** Per-channel difference a codec round trip leaves in the shared page's flat, saturated quadrants (as share-tab.test.ts allows). */
const SHARE_TOLERANCE = 60;
/** Waits for what crosses the network: a shared 2-core machine runs three browsers here. */
const MEDIA_TIMEOUT_MS = 30_000;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Everything the page shows in words, as a person reads it top to bottom. */
function pageText(page: GuestPage): Promise<string> {
  return page.evaluate(() => `${document.body.innerText}\n`, null);
}

function hostFrame(popup: Page, label: string): Promise<VideoFrame | null> {
  return popup.evaluate(readVideoFrame, { label, points: FRAME_GRID });
}

export function guestCallTests(engine: string, launchGuest: () => Promise<GuestBrowser>): void {
  let work: string;
  let server: RunningServer;
  let patterns: PatternServer;
  let host: ExtensionBrowser;
  let guests: GuestBrowser;
  let hostDownloads: string;
  let hostPopup: Page;
  let hostCode: CallCode;
  let guest: GuestPage;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'peerdial-guest-'));
    hostDownloads = join(work, 'downloads');
    const camera = await writeFlatCamera(join(work, 'host-camera.y4m'), { colour: HOST_CAMERA });
    [server, patterns] = await Promise.all([startServer(), servePatternPage()]);
    const started = performance.now();
    // Both settle before a failure is thrown, so afterAll closes whichever did start.
    const launched = await Promise.allSettled([
      // "Share screen": Chrome's picker, with nobody to click in it, picks the test page's tab.
      launchExtensionBrowser({ cameraFile: camera, downloadsPath: hostDownloads, autoPickCaptureSource: PATTERN_TITLE }).then((browser) => (host = browser)),
      launchGuest().then((browser) => {
        console.info(`${engine} (guest) launched in ${Math.round(performance.now() - started)} ms, beside the host's Chromium`);
        guests = browser;
      }),
    ]);
    for (const result of launched) if (result.status === 'rejected') throw result.reason;
  });

  afterAll(async () => {
    await Promise.all([host?.close(), guests?.close()]);
    await patterns?.stop();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    [hostPopup, guest] = await Promise.all([host.openPopup(server.url), guests.newPage()]);
    hostCode = parseCallCode(await myCode(hostPopup))!;
  });

  afterEach(async () => {
    // A failed test must not leave its call up for the next one.
    await guest?.close();
    if (!hostPopup) return;
    await endAnyCall(hostPopup);
    await eventually(() => offscreenDocuments(host.worker), (n) => n === 0, "the host's offscreen document to close");
    await hostPopup.close();
  });

  /** The guest opens the host's invite link, gives a name, and presses Call. */
  function guestDialsHost(name: string, code: string = hostCode): Promise<void> {
    return guestDials(guest, inviteLinkTo(code), name);
  }

  function inviteLinkTo(code: string): string {
    // The link as the popup's "Copy invite link" makes it: the server serves the page, which calls back through it.
    return inviteLink(server.url, code as CallCode)!;
  }

  /** The host's popup rings; the host accepts; both sides say they are in the call. */
  function hostAccepts(): Promise<void> {
    return hostAcceptsGuest(hostPopup, guest, MEDIA_TIMEOUT_MS);
  }

  describe(`${engine} as a guest`, () => {
    it('calls the extension from an invite link: pictures both ways, mute and camera off said in words, chat, files both ways verified, a shared tab, the same safety code, and the guest hangs up for both', async () => {
      await guestDialsHost(`${engine} guest`);
      await hostAccepts();

      // Each side sees the other's camera: the guest the host's flat blue, the host a lit, moving picture that is not its own.
      await waitForFrame(guest, 'Remote video', (frame) => showsFlatColour(frame, HOST_COLOUR), "the host's flat blue camera", { timeoutMs: MEDIA_TIMEOUT_MS });
      const first = await eventually(() => hostFrame(hostPopup, 'Remote video'), (frame) => frame !== null && showsOtherPicture(frame, HOST_COLOUR), "the guest's camera on the host", MEDIA_TIMEOUT_MS);
      await eventually(() => hostFrame(hostPopup, 'Remote video'), (frame) => frame !== null && moved(first!, frame), "the guest's picture to move on the host");

      // The guest's Mute and Camera off reach the host in words, and so does the host's Mute the guest; then all back on.
      await guest.click('button', 'Mute');
      await guest.click('button', 'Camera off');
      await hostPopup.getByText(/ is muted$/).waitFor();
      await hostPopup.getByText(/ turned their camera off$/).waitFor();
      await hostPopup.getByRole('button', { name: 'Mute', exact: true }).click();
      await eventually(() => pageText(guest), (text) => / is muted\n/.test(text), 'the guest page to say the host is muted');
      await guest.click('button', 'Unmute');
      await guest.click('button', 'Camera on');
      await hostPopup.getByRole('button', { name: 'Unmute', exact: true }).click();
      await hostPopup.getByText(/ (is muted|turned their camera off)$/).first().waitFor({ state: 'detached' });
      const back = await eventually(() => hostFrame(hostPopup, 'Remote video'), (frame) => frame !== null && showsOtherPicture(frame, HOST_COLOUR), "the guest's camera back on the host");
      await eventually(() => hostFrame(hostPopup, 'Remote video'), (frame) => frame !== null && moved(back!, frame), "the guest's picture to move again");
      await eventually(() => pageText(guest), (text) => !/ is muted\n/.test(text), 'the guest page to stop saying the host is muted');

      // Chat both ways.
      await guest.fill('textbox', 'Message', `Hello from ${engine}`);
      await guest.click('button', 'Send');
      const hostLog = hostPopup.getByRole('log', { name: 'Chat messages' });
      await hostLog.getByText(`Hello from ${engine}`).waitFor();
      await hostPopup.getByRole('textbox', { name: 'Message' }).fill('Hello, guest');
      await hostPopup.getByRole('button', { name: 'Send', exact: true }).click();
      await waitForTextIn(guest, 'log', 'Chat messages', /Hello, guest/);
      await waitForTextIn(guest, 'log', 'Chat messages', /Delivered/);

      // A file host → guest: the guest accepts, and the page's "Save" link holds exactly the bytes sent.
      const toGuest = randomBytes(256 * 1024);
      await writeFile(join(work, 'to-guest.bin'), toGuest);
      await hostPopup.getByLabel('Send files').setInputFiles(join(work, 'to-guest.bin'));
      await waitForTextIn(guest, 'listitem', 'Receiving to-guest.bin', /262 KB/);
      await guest.click('button', 'Accept to-guest.bin');
      await eventually(() => guest.has('link', 'Save to-guest.bin'), (has) => has, 'the guest page to offer the received file', MEDIA_TIMEOUT_MS);
      // Saved as a person saves it, with a click on the link; soft, so a broken link still lets the rest of the call be proved.
      expect.soft(await guest.download('link', 'Save to-guest.bin').then(sha256, (error: unknown) => `the link gave no file: ${String(error)}`)).toBe(sha256(toGuest));
      await hostPopup.getByRole('listitem', { name: 'Sending to-guest.bin' }).getByText(/sent and verified/).waitFor({ timeout: MEDIA_TIMEOUT_MS });

      // A file guest → host: the host accepts, and Downloads holds exactly the bytes sent.
      const toHost = randomBytes(300 * 1024);
      await writeFile(join(work, 'to-host.bin'), toHost);
      await guest.chooseFiles('Send files', [join(work, 'to-host.bin')]);
      await hostPopup.getByRole('button', { name: 'Accept to-host.bin' }).click();
      await hostPopup.getByRole('listitem', { name: 'Receiving to-host.bin' }).getByText(/verified and saved to Downloads/).waitFor({ timeout: MEDIA_TIMEOUT_MS });
      // Playwright keeps each download under a name of its own: the call's one download is this file.
      const saved = await host.worker.evaluate(async () => (await chrome.downloads.search({ state: 'complete' })).map((item) => item.filename));
      expect(saved).toHaveLength(1);
      expect(sha256(await readFile(saved[0]!))).toBe(sha256(toHost));
      await waitForTextIn(guest, 'listitem', 'Sending to-host.bin', /sent and verified/, MEDIA_TIMEOUT_MS);

      // The host shares a tab, picked in Chrome's screen picker; the guest sees it as a second picture beside the camera.
      // ("Share this tab" needs the browser without fake devices, and the host's flat camera is one.)
      const tab = await host.context.newPage();
      await tab.goto(patterns.url);
      await hostPopup.bringToFront();
      await hostPopup.getByRole('button', { name: 'Share screen' }).click();
      await waitForFrame(
        guest,
        'Shared content',
        (frame) => frame.colours.every((colour, i) => colourDistance(colour, PATTERN[i]!) <= SHARE_TOLERANCE),
        'the shared tab, quadrant by quadrant',
        { points: QUADRANT_CENTRES, timeoutMs: MEDIA_TIMEOUT_MS },
      );
      expect.soft(showsFlatColour((await videoFrame(guest, 'Remote video'))!, HOST_COLOUR)).toBe(true);

      // The safety code: the same six digits on the guest page and in the host's call view.
      const callView = await host.context.newPage();
      try {
        await callView.goto(host.url('src/side-panel/index.html'));
        const sixDigits = (text: string | null) => text !== null && /^\d{3} \d{3}$/.test(text);
        const hostSees = await eventually(() => callView.getByLabel('Safety code', { exact: true }).innerText(), sixDigits, "the host's safety code");
        const guestSees = await eventually(() => guest.labelled('Safety code'), sixDigits, "the guest's safety code");
        expect(guestSees).toBe(hostSees);
      } finally {
        await callView.close();
      }

      // The guest hangs up: the call ends on both sides, in words.
      await guest.click('button', 'Hang up');
      await Promise.all([waitForText(guest, 'status', /^Call with .* ended/), waitForStatus(hostPopup, /ended/)]);
      await tab.close();
    });

    it('the host hangs up, the guest page says the call ended, and the host can ring the open page back', async () => {
      await guestDialsHost(`${engine} guest`);
      await hostAccepts();
      await hostPopup.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([waitForText(guest, 'status', /ended/), waitForStatus(hostPopup, /ended/)]);
      // The page is ready for another call, with the name kept.
      await eventually(() => guest.has('button', 'Call'), (has) => has, 'the Call button to come back');

      // While the page stays open, the host rings the guest back from Recent calls: the guest's page rings and answers.
      await hostPopup.getByRole('button', { name: /^Call back Guest: / }).first().click();
      await waitForText(guest, 'status', /^Incoming call from /, MEDIA_TIMEOUT_MS);
      await guest.click('button', 'Accept');
      await Promise.all([waitForStatus(hostPopup, /^In call with/, MEDIA_TIMEOUT_MS), waitForText(guest, 'status', /^In call with/, MEDIA_TIMEOUT_MS)]);
      await waitForFrame(guest, 'Remote video', (frame) => showsFlatColour(frame, HOST_COLOUR), "the host's camera on the call back", { timeoutMs: MEDIA_TIMEOUT_MS });
      await guest.click('button', 'Hang up');
      await Promise.all([waitForText(guest, 'status', /ended/), waitForStatus(hostPopup, /ended/)]);
    });

    it("the host's ring names the guest as unverified; a declined call is said in words on the guest page", async () => {
      await guestDialsHost('Zoë from the link');
      const ring = await waitForStatus(hostPopup, /^Incoming call/, MEDIA_TIMEOUT_MS);
      // Soft: the decline below is its own behaviour, worth proving whatever the ring says.
      expect.soft(ring).toMatch(/Guest: Zoë from the link/);
      await hostPopup.getByRole('button', { name: 'Decline' }).click();
      await waitForText(guest, 'status', /declined the call/);
    });

    it('a code nobody has registered is offline, said in words', async () => {
      const nobody = 'ABCD-EFGH-JKMN';
      expect(nobody).not.toBe(hostCode);
      await guestDialsHost(`${engine} guest`, nobody);
      await waitForText(guest, 'status', /ABCD-EFGH-JKMN is offline or does not exist/);
    });

    it('a link with no valid code says so, and offers a box to type the code', async () => {
      await guest.goto(`${server.url}/call/NOTACODE`);
      await waitForText(guest, 'alert', /“NOTACODE”, is not a valid code/);
      expect(await guest.has('textbox', 'Call code')).toBe(true);
    });
  });
}
