/**
 * Firefox as a guest (issue 19): a person with only an invite link calls a
 * PeerDial user from Firefox.
 *
 * Until the guest page is served under /call/, this file proves the harness
 * the call test stands on: Debian's firefox-esr starts under puppeteer-core,
 * reaches the real signaling server, and its fake camera gives frames a test
 * can tell from the extension's flat-colour camera. It grows into the guest
 * call test: the same Firefox, dialling the extension in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxBrowser, launchFirefox } from './support/firefox';
import { type GuestPage, videoFrame, waitForFrame } from './support/guest-page';
import { type RunningServer, startServer } from './support/server';
import { moved, rgbFromYCbCr, showsOtherPicture } from './support/video-colour';

/** The extension's flat camera in the call test: a dark blue, far in brightness from Firefox's drifting picture. */
const HOST_CAMERA = rgbFromYCbCr([80, 200, 100]);

let server: RunningServer;
let firefox: FirefoxBrowser;

beforeAll(async () => {
  server = await startServer();
  const started = performance.now();
  firefox = await launchFirefox();
  console.info(`firefox-esr launched in ${Math.round(performance.now() - started)} ms`);
});

afterAll(async () => {
  await firefox?.close();
  await server?.stop();
});

/** Runs in the page: the camera, shown in a video labelled as the guest page labels its own. */
async function showCamera(label: string): Promise<string[]> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const video = document.createElement('video');
  video.setAttribute('aria-label', label);
  video.muted = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  return stream.getTracks().map((track) => track.kind);
}

describe('Firefox as a guest', () => {
  it('opens a page from the real server and its fake camera gives frames that move and are not the host camera colour', async () => {
    let page: GuestPage | undefined;
    try {
      page = await firefox.newPage();
      await page.goto(`${server.url}/healthz`);
      expect(await page.evaluate(() => document.body.innerText, null)).toContain('"status":"ok"');

      expect(await page.evaluate(showCamera, 'Your video')).toEqual(['audio', 'video']);
      const first = await waitForFrame(page, 'Your video', (frame) => frame.time > 0, 'a first camera frame');
      expect(first.width).toBeGreaterThan(0);
      // What the host will check of the guest's picture: neither dark nor its own flat colour, and moving.
      expect(showsOtherPicture(first, HOST_CAMERA)).toBe(true);
      await waitForFrame(page, 'Your video', (frame) => moved(first, frame), 'the camera picture to move', 5_000);
      expect(await videoFrame(page, 'No such video')).toBeNull();
    } finally {
      await page?.close();
    }
  });
});
