/**
 * The toolbar badge warns when the call's path turns poor, with no call view
 * open: the offscreen document samples the quality and tells the worker. The
 * poor path is real: Bob's browser caps the video it sends far below what his
 * moving picture needs, and the picture reaching Alice stalls, then arrives
 * coarse (QP past VP8's limit) at a few frames a second.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './support/browser';
import { connectCall } from './support/calls';
import { eventually, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties();

/** Far too little for a moving 640×480 picture, yet enough to keep frames (and the track) alive. */
const STARVED_VIDEO_BPS = 30_000;

function badge(party: ExtensionBrowser): Promise<{ text: string; title: string }> {
  return party.worker.evaluate(async () => ({ text: await chrome.action.getBadgeText({}), title: await chrome.action.getTitle({}) }));
}

/** Caps (or uncaps, with null) the video Bob's offscreen document sends: what a congested uplink does to it. */
function capVideoSent(popup: Page, maxBitrate: number | null): Promise<void> {
  return popup.evaluate(async (max) => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      const sender = pc?.getSenders().find((s) => s.track?.kind === 'video');
      if (!sender) continue;
      const parameters = sender.getParameters();
      for (const encoding of parameters.encodings) {
        if (max === null) delete encoding.maxBitrate;
        else encoding.maxBitrate = max;
      }
      await sender.setParameters(parameters);
      return;
    }
    throw new Error('No video sender in the offscreen document');
  }, maxBitrate);
}

describe('the badge and the path', () => {
  it('turns to POOR when the incoming picture starves, with no call view open, and back to LIVE when it recovers', async () => {
    const { alice, alicePopup, bobPopup, bobCode } = parties;
    await connectCall(alicePopup, bobPopup, bobCode);
    await eventually(() => badge(alice), (b) => b.text === 'LIVE', 'the badge to show the live call');
    // No call view is open (the popup never samples): the warning must not depend on the side panel.
    expect(alice.context.pages().some((page) => page.url().includes('side-panel'))).toBe(false);

    await capVideoSent(bobPopup, STARVED_VIDEO_BPS);
    const poor = await eventually(() => badge(alice), (b) => b.text === 'POOR', 'the badge to warn of a poor path', 30_000);
    expect(poor.title).toMatch(/poor connection/);

    await capVideoSent(bobPopup, null);
    await eventually(() => badge(alice), (b) => b.text === 'LIVE', 'the badge to show the call as live again', 30_000);

    await bobPopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, /ended/);
    await eventually(() => badge(alice), (b) => b.text === '', 'the badge to clear when the call ends');
  });
});
