/**
 * The callee prepares while it rings: its peer connection takes the caller's
 * offer (which names no address) and has its answer ready, so Accept only has
 * to release it. Nothing of either side's network or media crosses before
 * Accept, and a ring that ends unanswered takes the prepared connection with it.
 */
import { describe, expect, it } from 'vitest';
import { dial, expectVideoFlowing } from './support/calls';
import { eventually, liveLocalTracks, offscreenDocuments, peerState, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties();

/** Long past the few milliseconds a released answer needs to reach the caller: had the callee sent anything, it would be there. */
const SETTLE_MS = 1_000;

async function ringUntilPrepared(): Promise<void> {
  const { alicePopup, bobPopup, bobCode } = parties;
  await dial(alicePopup, bobCode);
  await waitForStatus(bobPopup, /Incoming call/);
  await eventually(() => peerState(bobPopup), (s) => s?.remote === 'offer' && s.local === 'answer', "Bob's answer to be prepared");
  await new Promise((r) => setTimeout(r, SETTLE_MS));
}

describe('while a call rings', () => {
  it("the callee holds its answer to the caller's offer, with no camera on and nothing crossing, until Accept", async () => {
    const { alicePopup, bobPopup } = parties;
    await ringUntilPrepared();
    // Bob knows no address of Alice's (the server holds her candidates), and his camera and microphone are off.
    expect(await peerState(bobPopup)).toMatchObject({ remote: 'offer', local: 'answer', remoteCandidates: 0 });
    expect(await liveLocalTracks(bobPopup)).toBe(0);
    // Alice has heard nothing from Bob: no answer, no candidate.
    expect(await peerState(alicePopup)).toMatchObject({ local: 'offer', remote: null, remoteCandidates: 0 });

    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([waitForStatus(alicePopup, /^In call with/), waitForStatus(bobPopup, /^In call with/)]);
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
  });

  it("a worker Chrome stops mid-ring gets the prepared answer again from the offscreen document, and Accept still connects", async () => {
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
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(await peerState(alicePopup)).toMatchObject({ remote: null, remoteCandidates: 0 });

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
    expect(aliceBefore).toMatchObject({ remote: null, remoteCandidates: 0 });
    await eventually(() => offscreenDocuments(alice.worker), (n) => n === 0, "Alice's capture to stop");
  });

  it('a cancelled ring takes the prepared connection with it too', async () => {
    const { bob, alicePopup, bobPopup, aliceCode } = parties;
    await ringUntilPrepared();
    expect(await peerState(alicePopup)).toMatchObject({ remote: null, remoteCandidates: 0 });
    await alicePopup.getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(bobPopup, new RegExp(`Missed call from ${aliceCode}`));
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's prepared connection to go");
    expect(await peerState(bobPopup)).toBeNull();
  });
});
