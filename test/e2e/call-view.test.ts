/**
 * The call view a person keeps beside the page they browse: the side panel
 * page (opened here in a tab, as Playwright cannot see the panel itself)
 * shows the other person moving, the connection quality in words with the
 * path it takes, and a safety code both sides can read aloud and compare.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectCall, endAnyCall, expectVideoFlowing } from './support/calls';
import { startCoturn } from './support/coturn';
import { eventually, waitForStatus } from './support/probes';
import { startServer } from './support/server';
import { twoParties } from './support/two-parties';
import { FORCE_RELAY_KEY } from '../../src/media-host/transport-policy';

const TURN_SECRET = 'e2e-call-view-secret';

const parties = twoParties();

async function openCallView(page: Page, url: string): Promise<Page> {
  const view = await page.context().newPage();
  await view.goto(url);
  return view;
}

/** The quality reading in words, then the path its details give, once the path is known. */
async function readPath(view: Page, expected: string): Promise<void> {
  const quality = view.getByRole('region', { name: 'Connection quality' });
  await quality.getByText(/^(Good|Fair|Poor) connection$/).waitFor({ timeout: 15_000 });
  await quality.getByText('Connection details').click();
  await eventually(() => quality.getByLabel('Path').innerText(), (path) => path === expected, `the path to read ${expected}`, 30_000);
  await eventually(() => quality.getByLabel('Round trip').innerText(), (rtt) => /^\d+ ms$/.test(rtt), 'a round-trip time');
  await eventually(() => quality.getByLabel('Bitrate in').innerText(), (rate) => /^\d+ kbit\/s$/.test(rate), 'an incoming bitrate');
}

async function safetyCode(view: Page): Promise<string> {
  return eventually(() => view.getByLabel('Safety code', { exact: true }).innerText(), (text) => /^\d{3} \d{3}$/.test(text), 'a safety code');
}

describe('the call view', () => {
  it('shows the other person, a quality reading over a direct path, the same safety code on both sides, and floats the picture', async () => {
    const { alice, bob, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await connectCall(alicePopup, bobPopup, bobCode);

    const [aliceView, bobView] = await Promise.all([
      openCallView(alicePopup, alice.url('src/side-panel/index.html')),
      openCallView(bobPopup, bob.url('src/side-panel/index.html')),
    ]);
    try {
      await Promise.all([waitForStatus(aliceView, new RegExp(`In call with ${bobCode}`)), waitForStatus(bobView, new RegExp(`In call with ${aliceCode}`))]);
      expect(await aliceView.getByLabel("Other party's code").innerText()).toBe(bobCode);
      await Promise.all([expectVideoFlowing(aliceView), expectVideoFlowing(bobView)]);
      // Bob answered before his camera was up; once it is, Alice must not be told he is muted or dark.
      const bobLooksOff = () => aliceView.getByText(new RegExp(`${bobCode} (is muted|turned their camera off)`)).count();
      await eventually(bobLooksOff, (n) => n === 0, "Alice's view to show Bob's camera and microphone on");

      // Both browsers run on this machine: the candidates pair up directly, no relay.
      await Promise.all([readPath(aliceView, 'direct'), readPath(bobView, 'direct')]);

      const [aliceSees, bobSees] = await Promise.all([safetyCode(aliceView), safetyCode(bobView)]);
      expect(aliceSees).toBe(bobSees);
      expect(await aliceView.locator('.safety').getAttribute('title')).toMatch(/same number/);

      // For a person to look at, outside the repository: PEERDIAL_SCREENSHOT=/tmp/dir gives light.png and dark.png.
      const shots = process.env.PEERDIAL_SCREENSHOT;
      if (shots) {
        for (const colorScheme of ['light', 'dark'] as const) {
          await aliceView.emulateMedia({ colorScheme });
          await aliceView.screenshot({ path: `${shots}/${colorScheme}.png`, fullPage: true });
        }
      }

      // Their picture floats in its own window, to stay in sight over any tab.
      await aliceView.getByRole('button', { name: 'Picture in picture' }).click();
      const floating = () => aliceView.evaluate(() => document.pictureInPictureElement?.getAttribute('aria-label') ?? null);
      await eventually(floating, (label) => label === 'Remote video', 'the remote video to float picture-in-picture');

      // The view's controls are the call's: hanging up there ends the call for both.
      await bobView.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([waitForStatus(aliceView, /ended/), waitForStatus(alicePopup, /ended/)]);
    } finally {
      await Promise.all([aliceView.close(), bobView.close()]);
    }
  });

  it('says the path is relayed when the call may only go through the TURN relay', async () => {
    const { alice, bob, alicePopup, bobPopup, bobCode } = parties;
    const turn = await startCoturn(TURN_SECRET);
    const plainServer = parties.server;
    await plainServer.stop();
    parties.server = await startServer({ TURN_URLS: turn.url, TURN_SECRET, TURN_TTL: '600' }, plainServer.port);
    const popups = [alicePopup, bobPopup];
    try {
      await Promise.all(popups.map((page) => page.getByText('Online', { exact: true }).waitFor({ timeout: 15_000 })));
      for (const popup of popups) await popup.evaluate((key) => localStorage.setItem(key, 'relay'), FORCE_RELAY_KEY);
      await connectCall(alicePopup, bobPopup, bobCode);
      const views = await Promise.all([openCallView(alicePopup, alice.url('src/side-panel/index.html')), openCallView(bobPopup, bob.url('src/side-panel/index.html'))]);
      try {
        await Promise.all(views.map((view) => readPath(view, 'relayed (TURN)')));
        const [aliceSees, bobSees] = await Promise.all(views.map(safetyCode));
        expect(aliceSees).toBe(bobSees);
      } finally {
        await Promise.all(views.map((view) => view.close()));
      }
    } finally {
      for (const popup of popups) await popup.evaluate((key) => localStorage.removeItem(key), FORCE_RELAY_KEY);
      await Promise.all(popups.map(endAnyCall));
      await parties.server.stop();
      parties.server = await startServer({}, plainServer.port);
      await turn.stop();
    }
  });
});
