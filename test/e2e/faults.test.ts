/**
 * Faults injected for real into a live call between two browsers: the
 * service worker stopped, the server restarted, the other browser killed, the
 * media engine closed, no camera at all. Each checks what the person sees and
 * what the media does, and prints how long until the call was whole again.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { connectCall, dial, expectVideoFlowing } from './support/calls';
import { eventually, liveLocalTracks, myCode, iceUfrag, sampleVideo, waitForStatus } from './support/probes';
import { startServer } from './support/server';
import { twoParties } from './support/two-parties';

const parties = twoParties();

/** A popup opened fresh, as a person clicking the toolbar icon mid-fault would. */
async function freshPopup(party: ExtensionBrowser): Promise<Page> {
  const page = await party.context.newPage();
  await page.goto(party.url('src/popup/index.html'));
  return page;
}

function report(fault: string, ms: number): void {
  console.log(`[fault] ${fault}: ${ms} ms`);
}

it('keeps media flowing when Chrome stops the service worker mid-call; a fresh worker reconnects and calls ring again', async () => {
  const { alice, alicePopup, bobPopup, aliceCode, bobCode } = parties;
  await connectCall(alicePopup, bobPopup, bobCode);
  await alice.worker.evaluate(() => Object.assign(globalThis, { peerdialBeforeStop: true }));

  const stoppedAt = Date.now();
  const cdp = await alice.context.newCDPSession(alicePopup);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  // The offscreen document owns the media: the picture keeps moving while the worker is gone.
  await expectVideoFlowing(alicePopup);

  await eventually(
    () => alice.worker.evaluate(() => !('peerdialBeforeStop' in globalThis)).catch(() => false),
    (fresh) => fresh,
    'a fresh service worker',
  );
  const popup = await freshPopup(alice);
  await popup.getByText('Online', { exact: true }).waitFor();
  await waitForStatus(popup, new RegExp(`^In call with ${bobCode}`));
  report('worker stopped → fresh worker registered, popup shows the live call', Date.now() - stoppedAt);
  await expectVideoFlowing(popup);

  await popup.getByRole('button', { name: 'Hang up' }).click();
  await waitForStatus(bobPopup, /ended/);
  // Incoming calls reach the restarted worker.
  await dial(bobPopup, aliceCode);
  await waitForStatus(popup, /Incoming call/);
  await popup.getByRole('button', { name: 'Decline' }).click();
  await waitForStatus(bobPopup, new RegExp(`${aliceCode} declined the call`));
  await popup.close();
});

it('keeps media flowing through a server restart; both sides rejoin and a renegotiation made meanwhile goes through', async () => {
  const { bob, alicePopup, bobPopup, aliceCode, bobCode, server } = parties;
  await connectCall(alicePopup, bobPopup, bobCode);
  const ufragBefore = await iceUfrag(alicePopup, 'remote');

  await server.stop();
  const downAt = Date.now();
  await expectVideoFlowing(alicePopup);
  await expectVideoFlowing(bobPopup);
  // A renegotiation while the server is away (an ICE restart from the caller): its offer must wait, not vanish.
  await alicePopup.evaluate(() => {
    for (const view of chrome.extension.getViews()) view.peerdialStreams?.pc?.restartIce();
  });
  const popup = await freshPopup(bob);
  await waitForStatus(popup, new RegExp(`^In call with ${aliceCode}`));
  await popup.close();

  parties.server = await startServer({}, server.port);
  const upAt = Date.now();
  await Promise.all([alicePopup, bobPopup].map((page) => page.getByText('Online', { exact: true }).waitFor({ timeout: 15_000 })));
  report('server back → both extensions registered again', Date.now() - upAt);
  await eventually(() => iceUfrag(alicePopup, 'remote'), (ufrag) => ufrag !== null && ufrag !== ufragBefore, 'the queued ICE restart to complete');
  report('server back → renegotiation made during the outage completed', Date.now() - upAt);
  console.log(`[fault] server was down for ${upAt - downAt} ms`);
  await expectVideoFlowing(alicePopup);

  // The restarted server knows the call again: a hang-up reaches the other side.
  await alicePopup.getByRole('button', { name: 'Hang up' }).click();
  await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
});

it('tells the remaining side the connection was lost within 10 s when the other browser crashes', async () => {
  const { alicePopup, server } = parties;
  const carol = await launchExtensionBrowser();
  try {
    const carolPopup = await carol.openPopup(server.url);
    await connectCall(alicePopup, carolPopup, await myCode(carolPopup));
    const killedAt = Date.now();
    await carol.kill();
    await waitForStatus(alicePopup, /^Call ended: connection lost/, 10_000);
    report('other browser killed → "Call ended: connection lost"', Date.now() - killedAt);
    await alicePopup.getByLabel('Call code').waitFor();
    expect(await liveLocalTracks(alicePopup)).toBe(0);
  } finally {
    await carol.close();
  }
});

it('ends the call in words on both sides when the media engine is closed under it', async () => {
  const { alice, alicePopup, bobPopup, aliceCode, bobCode } = parties;
  await connectCall(alicePopup, bobPopup, bobCode);
  const closedAt = Date.now();
  await alice.worker.evaluate(() => chrome.offscreen.closeDocument());
  await waitForStatus(alicePopup, /media engine stopped unexpectedly/);
  await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
  report('media engine closed → both sides told and idle', Date.now() - closedAt);
});

it('connects without any camera or microphone, saying why, and the person still sees the other side', async () => {
  const { bobPopup, bobCode, server } = parties;
  const deviceless = await launchExtensionBrowser({ fakeMedia: false });
  try {
    const popup = await deviceless.openPopup(server.url);
    await dial(popup, bobCode);
    await popup.getByText(/No camera or microphone was found/).waitFor();
    await waitForStatus(bobPopup, /Incoming call/);
    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await waitForStatus(popup, /^In call with/);
    await eventually(() => sampleVideo(popup, 'Remote video'), (s) => s.width > 0 && s.time > 0, 'the callee’s video');
    await popup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, /ended/);
  } finally {
    await deviceless.close();
  }
});
