/** Steps of a call as a person takes them, shared by the end-to-end tests. */
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './browser';
import { eventually, inboundBytes, sampleVideo, waitForStatus } from './probes';
import type { TwoParties } from './two-parties';

export async function dial(from: Page, code: string): Promise<void> {
  await from.getByLabel('Call code').fill(code);
  await from.getByRole('button', { name: 'Call', exact: true }).click();
}

/** The remote picture moves and bytes keep arriving: what "the call works" looks like. */
export async function expectVideoFlowing(page: Page): Promise<void> {
  const first = await eventually(() => sampleVideo(page, 'Remote video'), (s) => s.width > 0 && s.time > 0, 'remote video frames');
  await eventually(() => sampleVideo(page, 'Remote video'), (s) => s.time > first.time + 0.5, 'remote video time to advance');
  const bytes = await inboundBytes(page);
  await eventually(() => inboundBytes(page), (b) => b > bytes + 10_000, 'inbound RTP bytes to grow');
}

/** The caller dials, the callee accepts, and both see each other. Returns when video flows both ways. */
export async function connectCall(caller: Page, callee: Page, calleeCode: string): Promise<void> {
  await dial(caller, calleeCode);
  await waitForStatus(callee, /Incoming call/);
  await callee.getByRole('button', { name: 'Accept' }).click();
  await Promise.all([waitForStatus(caller, /^In call with/), waitForStatus(callee, /^In call with/)]);
  await Promise.all([expectVideoFlowing(caller), expectVideoFlowing(callee)]);
}

/** Ends whatever call a failed test left up, so the next test starts idle. */
export async function endAnyCall(popup: Page): Promise<void> {
  if (popup.isClosed()) return;
  for (const name of ['Hang up', 'Cancel', 'Decline']) {
    const button = popup.getByRole('button', { name, exact: true });
    // The call may end by itself meanwhile, taking the button away: that is as good as the click.
    if (await button.isVisible()) await button.click({ timeout: 2_000 }).catch(() => undefined);
  }
  await popup.getByLabel('Call code').waitFor();
}

/**
 * Each party's call view (the side panel page, opened in a tab: Playwright
 * cannot see the panel itself), once each names whom it is in a call with.
 */
export async function openCallViews(parties: Pick<TwoParties, 'alice' | 'bob' | 'aliceCode' | 'bobCode'>): Promise<[alice: Page, bob: Page]> {
  const open = async (party: ExtensionBrowser, other: string) => {
    const view = await party.context.newPage();
    await view.goto(party.url('src/side-panel/index.html'));
    await waitForStatus(view, new RegExp(`In call with ${other}`));
    return view;
  };
  return Promise.all([open(parties.alice, parties.bobCode), open(parties.bob, parties.aliceCode)]);
}
