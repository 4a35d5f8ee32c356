/**
 * Without the fake-UI flag the camera prompt is real, and an offscreen
 * document cannot show it. The first call must open PeerDial's permission
 * page with words, not fail silently, and the call must still connect so the
 * person can at least see and hear the other side.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { eventually, myCode, sampleVideo, waitForStatus } from './support/probes';
import { type RunningServer, startServer } from './support/server';

let server: RunningServer;
let unprompted: ExtensionBrowser;
let callee: ExtensionBrowser;

beforeAll(async () => {
  server = await startServer();
  [unprompted, callee] = await Promise.all([launchExtensionBrowser({ fakeUi: false }), launchExtensionBrowser()]);
});

afterAll(async () => {
  await Promise.all([unprompted?.close(), callee?.close()]);
  await server?.stop();
});

it('opens the permission page on the first call instead of failing silently, and the call still connects', async () => {
  const [callerPopup, calleePopup] = await Promise.all([unprompted.openPopup(server.url), callee.openPopup(server.url)]);
  const calleeCode = await myCode(calleePopup);

  const permissionPage = unprompted.context.waitForEvent('page', {
    predicate: (page) => page.url().endsWith('/src/permission/index.html'),
  });
  await callerPopup.getByLabel('Call code').fill(calleeCode);
  await callerPopup.getByRole('button', { name: 'Call', exact: true }).click();

  const page = await permissionPage;
  await page.getByRole('heading', { name: 'PeerDial needs your camera and microphone' }).waitFor();
  await page.getByRole('button', { name: 'Allow camera and microphone' }).waitFor();
  await callerPopup.getByText(/may not use your camera and microphone yet/).waitFor();

  await waitForStatus(calleePopup, /Incoming call/);
  await calleePopup.getByRole('button', { name: 'Accept' }).click();
  await waitForStatus(callerPopup, /In call with/);
  // Receive only: the caller sends nothing but sees the callee.
  const seen = await eventually(() => sampleVideo(callerPopup, 'Remote video'), (s) => s.width > 0 && s.time > 0, 'callee video at the caller');
  expect(seen.width).toBeGreaterThan(0);
  await callerPopup.getByRole('button', { name: 'Hang up' }).click();
  await waitForStatus(calleePopup, /ended/);
});
