/**
 * The callee prepares while it rings: its peer connection takes the caller's
 * offer (which names no address) and has its answer ready, so Accept only has
 * to release it. The incoming-call screen shows the callee's own camera, which
 * becomes the call's on Accept; the caller holds a provisional answer of its
 * own making until the real one comes. Nothing of either side's network or
 * media crosses before Accept, and a ring that ends unanswered takes the
 * prepared connection and the camera with it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dial, endAnyCall, expectVideoFlowing } from './support/calls';
import { eventually, iceUfrag, inboundBytes, liveLocalTracks, localMedia, offscreenDocuments, peerState, sampleVideo, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties();

/**
 * Long past the few milliseconds a released answer needs to reach the caller: had the callee sent anything, it
 * would be there. A sleep on purpose: proving that nothing arrives has no event to wait for, and the path (offscreen
 * document, worker, server, the other worker, its offscreen document) has no acknowledgement to use as a barrier.
 * The server's own refusal is proven with barriers in server/signaling.test.ts.
 */
const NOTHING_CROSSES_MS = 1_000;

async function ringUntilPrepared(): Promise<void> {
  const { alicePopup, bobPopup, bobCode } = parties;
  await dial(alicePopup, bobCode);
  await waitForStatus(bobPopup, /Incoming call/);
  // Gathering complete is when a prepared answer would go out (call-session.ts): from then on, all Bob could send exists.
  await eventually(() => peerState(bobPopup), (s) => s?.remote === 'offer' && s.local === 'answer' && s.gathering === 'complete', "Bob's answer to be prepared");
  await new Promise((r) => setTimeout(r, NOTHING_CROSSES_MS));
}

/** The incoming-call screen's own camera is playing: frames are arriving in it. */
async function expectPreviewPlaying(page: Page): Promise<void> {
  const first = await eventually(() => sampleVideo(page, 'Your video'), (s) => s.width > 0 && s.time > 0, 'the camera preview');
  await eventually(() => sampleVideo(page, 'Your video'), (s) => s.time > first.time, 'the camera preview to advance');
}

describe('while a call rings', () => {
  it("the callee sees its own camera and holds its answer, with nothing crossing, until Accept makes that camera the call's", async () => {
    const { alicePopup, bobPopup } = parties;
    await ringUntilPrepared();
    await expectPreviewPlaying(bobPopup);
    await bobPopup.getByText('Only you can see this until you answer.').waitFor();
    // Bob knows no address of Alice's (the server holds her candidates); his camera runs for him alone, his microphone is off.
    expect(await peerState(bobPopup)).toMatchObject({ remote: 'offer', local: 'answer', remoteCandidates: 0 });
    const ringing = await localMedia(bobPopup);
    expect(ringing.live.map((track) => track.kind)).toEqual(['video']);
    // Alice has heard nothing from Bob: no candidate, not a byte of media, and the answer she holds is her own
    // provisional stand-in, which carries none of Bob's ICE credentials.
    expect(await peerState(alicePopup)).toMatchObject({ local: 'offer', remote: 'pranswer', remoteCandidates: 0 });
    expect(await iceUfrag(alicePopup, 'remote')).not.toBe(await iceUfrag(bobPopup, 'local'));
    expect(await inboundBytes(alicePopup)).toBe(0);

    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([waitForStatus(alicePopup, /^In call with/), waitForStatus(bobPopup, /^In call with/)]);
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
    // The camera Alice sees is the one Bob saw himself in: not opened a second time. The microphone joined it.
    const inCall = await localMedia(bobPopup);
    expect(inCall.live).toContainEqual(ringing.live[0]);
    expect(inCall.live.map((track) => track.kind).sort()).toEqual(['audio', 'video']);
    expect(inCall.sending).toBe(2);
    // Bob's real answer replaced the stand-in.
    expect(await peerState(alicePopup)).toMatchObject({ remote: 'answer' });
    expect(await iceUfrag(alicePopup, 'remote')).toBe(await iceUfrag(bobPopup, 'local'));
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
  });

  it('the camera runs only while a page shows the incoming call: closing it turns the camera off, opening it again turns it on', async () => {
    const { bob, alicePopup, bobPopup } = parties;
    await ringUntilPrepared();
    await expectPreviewPlaying(bobPopup);
    // Another of Bob's extension pages, one that shows no incoming call, watches his capture.
    const observer = await bob.context.newPage();
    await observer.goto(bob.url('src/side-panel/index.html'));
    expect(await liveLocalTracks(observer)).toBe(1);

    await bobPopup.close();
    await eventually(() => liveLocalTracks(observer), (n) => n === 0, "Bob's camera to turn off with the popup closed");
    expect(await peerState(observer)).toMatchObject({ local: 'answer', remoteCandidates: 0 });

    const popup = await bob.context.newPage();
    await popup.goto(bob.url('src/popup/index.html'));
    await waitForStatus(popup, /Incoming call/);
    await expectPreviewPlaying(popup);
    expect(await inboundBytes(alicePopup)).toBe(0);

    // The camera opened the second time is the one Alice gets, on the same transceiver: one camera sent, not two.
    await popup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(popup)]);
    expect(await localMedia(observer)).toMatchObject({ sending: 2 });
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await popup.getByLabel('Call code').waitFor();
    await Promise.all([observer.close(), popup.close()]);
    parties.bobPopup = await bob.openPopup(parties.server.url);
  });

  it('with "Show my camera while a call rings" off, the camera stays off until Accept', async () => {
    const { alicePopup, bobPopup } = parties;
    const setting = bobPopup.getByRole('checkbox', { name: 'Show my camera while a call rings' });
    expect(await setting.isChecked()).toBe(true);
    await setting.uncheck();
    try {
      await ringUntilPrepared();
      expect(await bobPopup.getByLabel('Your video').count()).toBe(0);
      expect(await liveLocalTracks(bobPopup)).toBe(0);
      await bobPopup.getByRole('button', { name: 'Accept' }).click();
      await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
      await alicePopup.getByRole('button', { name: 'Hang up' }).click();
      await bobPopup.getByLabel('Call code').waitFor();
    } finally {
      // The setting outlives the test in this profile; the settings fold is closed again after a call.
      await endAnyCall(bobPopup);
      await bobPopup.getByText('Settings').click();
      await setting.check();
    }
  });

  it("a worker Chrome stops mid-ring still has the prepared answer (kept in session storage), and Accept still connects", async () => {
    const { bob, alicePopup, bobPopup } = parties;
    await ringUntilPrepared();
    await bob.worker.evaluate(() => Object.assign(globalThis, { peerdialBeforeStop: true }));
    const cdp = await bob.context.newCDPSession(bobPopup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await eventually(
      () => bob.worker.evaluate(() => !('peerdialBeforeStop' in globalThis)).catch(() => false),
      (fresh) => fresh,
      'a fresh service worker',
    );
    const popup = await bob.context.newPage();
    await popup.goto(bob.url('src/popup/index.html'));
    await waitForStatus(popup, /Incoming call/);
    await new Promise((r) => setTimeout(r, NOTHING_CROSSES_MS));
    expect(await peerState(alicePopup)).toMatchObject({ remote: 'pranswer', remoteCandidates: 0 });

    await popup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([waitForStatus(alicePopup, /^In call with/), waitForStatus(popup, /^In call with/)]);
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(popup)]);
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await popup.getByLabel('Call code').waitFor();
    await popup.close();
  });

  it('a declined ring takes the prepared connection with it, and the caller never hears from the callee', async () => {
    const { alice, bob, alicePopup, bobPopup, bobCode } = parties;
    await ringUntilPrepared();
    const aliceBefore = await peerState(alicePopup);
    await bobPopup.getByRole('button', { name: 'Decline' }).click();
    await waitForStatus(alicePopup, new RegExp(`${bobCode} declined the call`));
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's prepared connection to go");
    expect(await peerState(bobPopup)).toBeNull();
    expect(aliceBefore).toMatchObject({ remote: 'pranswer', remoteCandidates: 0 });
    await eventually(() => offscreenDocuments(alice.worker), (n) => n === 0, "Alice's capture to stop");
  });

  it('a cancelled ring takes the prepared connection with it too', async () => {
    const { bob, alicePopup, bobPopup, aliceCode } = parties;
    await ringUntilPrepared();
    expect(await peerState(alicePopup)).toMatchObject({ remote: 'pranswer', remoteCandidates: 0 });
    await alicePopup.getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(bobPopup, new RegExp(`Missed call from ${aliceCode}`));
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's prepared connection to go");
    expect(await peerState(bobPopup)).toBeNull();
  });
});
