/**
 * The call view's quality reading tells the truth about a clean path. Issue
 * 18: with flat-colour fake cameras a loopback call read "Poor connection"
 * seven seconds in, because a still, plain picture needs only about 11
 * kbit/s and the reading then judged video by a 150 kbit/s floor. Here both
 * browsers' cameras play a flat-colour y4m, and the reading must say Good
 * on both sides, second after second, well past that moment.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './support/browser';
import type { Quality } from '../../src/shared/call-quality';
import { QUALITY_SAMPLED } from '../../src/shared/call-streams';
import { connectCall, openCallViews } from './support/calls';
import { writeFlatCamera } from './support/flat-camera';
import { eventually } from './support/probes';
import { twoParties } from './support/two-parties';

const FLAT_CAMERA = join(tmpdir(), `peerdial-flat-camera-${process.pid}.y4m`);
/**
 * Samples come once a second from the moment the call connects; the view
 * opens after video already flows both ways, so twelve samples watched from
 * there reach well past the seven seconds at which the reading went wrong.
 */
const SAMPLES_WATCHED = 12;

// Registered before the parties' hooks, so the file is there when their browsers start.
beforeAll(() => writeFlatCamera(FLAT_CAMERA, { colour: [150, 80, 200] }));
afterAll(() => rm(FLAT_CAMERA, { force: true }));

const parties = twoParties({ cameraFile: FLAT_CAMERA });

/** The reading in words, as the call view shows it. */
function reading(view: Page): Promise<string> {
  return view.getByRole('region', { name: 'Connection quality' }).getByRole('status').innerText();
}

type Watched = Window & { samplesSeen?: Quality[] };

/** From now on, keeps every quality sample the offscreen document hands the view (the event the view itself re-renders on). */
function keepSamples(view: Page): Promise<void> {
  return view.evaluate((event) => {
    const owner = chrome.extension.getViews().find((candidate) => candidate.peerdialStreams);
    if (!owner) throw new Error('No offscreen document holds the call');
    const kept: Quality[] = ((window as Watched).samplesSeen = []);
    owner.addEventListener(event, () => owner.peerdialQuality && kept.push(owner.peerdialQuality));
  }, QUALITY_SAMPLED);
}

function samplesSeen(view: Page): Promise<Quality[]> {
  return view.evaluate(() => (window as Watched).samplesSeen ?? []);
}

function badgeText(party: ExtensionBrowser): Promise<string> {
  return party.worker.evaluate(() => chrome.action.getBadgeText({}));
}

describe('the quality reading', () => {
  it('a clean loopback call with flat-colour cameras reads Good', async () => {
    await connectCall(parties.alicePopup, parties.bobPopup, parties.bobCode);
    const [aliceView, bobView] = await openCallViews(parties);
    try {
      await Promise.all([aliceView, bobView].map((view) => eventually(() => reading(view), (text) => text === 'Good connection', 'the call view to read Good')));

      // Every reading either side shows, in the view and on the badge, until a dozen more samples have come: one Fair or Poor among them fails the test.
      await Promise.all([keepSamples(aliceView), keepSamples(bobView)]);
      const shown = new Set<string>();
      const [aliceSamples, bobSamples] = await eventually(
        async () => {
          const [aliceReads, bobReads, aliceBadge, bobBadge] = await Promise.all([reading(aliceView), reading(bobView), badgeText(parties.alice), badgeText(parties.bob)]);
          shown.add(`Alice: ${aliceReads}`).add(`Bob: ${bobReads}`).add(`Alice's badge: ${aliceBadge}`).add(`Bob's badge: ${bobBadge}`);
          return Promise.all([samplesSeen(aliceView), samplesSeen(bobView)]);
        },
        (samples) => samples.every((side) => side.length >= SAMPLES_WATCHED),
        `${SAMPLES_WATCHED} quality samples on both sides`,
        SAMPLES_WATCHED * 1000 + 15_000,
      );
      // The figures behind each reading, to say why should one not be Good.
      const levels = (samples: Quality[]) => samples.map(({ level, details }) => (level === 'good' ? level : `${level} ${JSON.stringify(details)}`));
      expect(levels(aliceSamples)).toEqual(aliceSamples.map(() => 'good'));
      expect(levels(bobSamples)).toEqual(bobSamples.map(() => 'good'));
      // The toolbar badges, fed by the same samples, never warned either.
      expect([...shown].sort()).toEqual(["Alice's badge: LIVE", 'Alice: Good connection', "Bob's badge: LIVE", 'Bob: Good connection']);
    } finally {
      await Promise.all([aliceView.close(), bobView.close()]);
    }
  });
});
