/**
 * The call view a person keeps beside the page they browse: the side panel
 * page (opened here in a tab, as Playwright cannot see the panel itself)
 * shows the other person moving, the connection quality in words with the
 * path it takes, and a safety code both sides can read aloud and compare.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectCall, expectVideoFlowing } from './support/calls';
import { eventually, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties();

async function openCallView(page: Page, url: string): Promise<Page> {
  const view = await page.context().newPage();
  await view.goto(url);
  return view;
}

async function safetyCode(view: Page): Promise<string> {
  return eventually(() => view.getByLabel('Safety code', { exact: true }).innerText(), (text) => /^\d{3} \d{3}$/.test(text), 'a safety code');
}

describe('the call view', () => {
  it('shows the other person, a quality reading over a direct path, and the same safety code on both sides', async () => {
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

      for (const view of [aliceView, bobView]) {
        const quality = view.getByRole('region', { name: 'Connection quality' });
        await quality.getByText(/^(Good|Fair|Poor) connection$/).waitFor({ timeout: 15_000 });
        await quality.getByText('Connection details').click();
        // Both browsers run on this machine: the candidates pair up directly, no relay.
        await eventually(() => quality.getByLabel('Path').innerText(), (path) => path === 'direct', 'the path to read direct');
        await eventually(() => quality.getByLabel('Round trip').innerText(), (rtt) => /^\d+ ms$/.test(rtt), 'a round-trip time');
        await eventually(() => quality.getByLabel('Bitrate in').innerText(), (rate) => /^\d+ kbit\/s$/.test(rate), 'an incoming bitrate');
      }

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

      // The view's controls are the call's: hanging up there ends the call for both.
      await bobView.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([waitForStatus(aliceView, /ended/), waitForStatus(alicePopup, /ended/)]);
    } finally {
      await Promise.all([aliceView.close(), bobView.close()]);
    }
  });
});
