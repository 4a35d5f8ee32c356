/**
 * Recent calls, as a person uses them: a finished call is listed in the popup
 * (from chrome.storage.local, so it outlives the service worker), Call back
 * rings the same person, a nickname shows in place of the code, a ring nobody
 * answered is marked missed on the callee's side, and "Open the call view
 * when I answer" opens the side panel with the Accept click.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './support/browser';
import { connectCall, dial } from './support/calls';
import { eventually, newestRecentCall, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';
import { stopWorker } from './support/worker-restart';

const parties = twoParties();

const plain = (code: string) => code.replaceAll('-', '');

function recentCount(popup: Page): Promise<number> {
  return popup.getByRole('list', { name: 'Recent calls' }).getByRole('listitem').count();
}

/** What the worker has in chrome.storage.local: the stored history itself, not what the popup shows. */
function storedCalls(party: ExtensionBrowser): Promise<Array<{ peer: string; direction: string; missed: boolean; duration: number }>> {
  return party.worker.evaluate(async () => ((await chrome.storage.local.get('callHistory')).callHistory as { calls: [] } | undefined)?.calls ?? []);
}

describe('recent calls', () => {
  it('lists a finished call on both sides, keeps it across a worker restart, and Call back rings the same person; an unanswered ring is missed', async () => {
    const { alice, bob, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await connectCall(alicePopup, bobPopup, bobCode);
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await Promise.all([waitForStatus(alicePopup, /ended/), waitForStatus(bobPopup, /ended/)]);

    await newestRecentCall(alicePopup, new RegExp(`${bobCode}[\\s\\S]*Outgoing call, \\d+:\\d\\d`));
    await newestRecentCall(bobPopup, new RegExp(`${aliceCode}[\\s\\S]*Incoming call, \\d+:\\d\\d`));
    expect(await storedCalls(alice)).toEqual([expect.objectContaining({ peer: plain(bobCode), direction: 'outgoing', missed: false })]);

    // Chrome stops idle workers at will: the new one starts from storage, and must neither lose the call nor write it twice.
    await stopWorker(alice, alicePopup);
    const popup = await alice.reopenPopup();
    await newestRecentCall(popup, new RegExp(bobCode));
    expect(await recentCount(popup)).toBe(1);
    expect(await storedCalls(alice)).toHaveLength(1);
    await popup.getByText('Online', { exact: true }).waitFor();

    // One click calls back: Bob's browser rings with Alice's code.
    await popup.getByRole('button', { name: `Call back ${bobCode}` }).click();
    await waitForStatus(popup, new RegExp(`Calling ${bobCode}`));
    await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));

    // Alice gives up before Bob answers: a missed call on his side, clearly marked; an unconnected one on hers.
    await popup.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(bobPopup, new RegExp(`Missed call from ${aliceCode}`));
    await newestRecentCall(bobPopup, new RegExp(`${aliceCode}[\\s\\S]*Missed call`));
    expect(await bobPopup.getByRole('list', { name: 'Recent calls' }).getByRole('listitem').first().getAttribute('class')).toBe('missed');
    await newestRecentCall(popup, new RegExp(`${bobCode}[\\s\\S]*Outgoing call, not connected`));
    expect(await storedCalls(bob)).toEqual([
      expect.objectContaining({ peer: plain(aliceCode), direction: 'incoming', missed: true }),
      expect.objectContaining({ peer: plain(aliceCode), direction: 'incoming', missed: false }),
    ]);
    await popup.close();
  });

  it('writes down, once, a call whose end was stored just before the worker stopped but whose history write never happened', async () => {
    const { alice, alicePopup } = parties;
    // The state a worker stopped between its two writes leaves behind: the call's end in storage.session, the history without it.
    const lost = { peer: 'C3DF4ZP2XWA9', direction: 'incoming', at: Date.now() - 60_000, duration: 42, missed: false };
    await alice.worker.evaluate(async (finished) => {
      const { callRecord } = await chrome.storage.session.get('callRecord');
      await chrome.storage.session.set({ callRecord: { ...(callRecord as object), finished } });
    }, lost);
    const before = (await storedCalls(alice)).length;

    for (let restart = 0; restart < 2; restart++) {
      await stopWorker(alice, alicePopup);
      await newestRecentCall(alicePopup, /C3DF-4ZP2-XWA9[\s\S]*Incoming call, 0:42/);
    }
    expect(await storedCalls(alice)).toHaveLength(before + 1);
    expect((await storedCalls(alice))[0]).toEqual(lost);
  });

  it('shows a nickname in place of the code (list, calling, incoming call), refuses a bad one in words, and clears the list', async () => {
    const { alice, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await dial(alicePopup, bobCode);
    await waitForStatus(bobPopup, /Incoming call/);
    await bobPopup.getByRole('button', { name: 'Decline' }).click();
    await waitForStatus(alicePopup, /declined/);
    await newestRecentCall(alicePopup, new RegExp(bobCode));

    await alicePopup.getByRole('button', { name: `Set a nickname for ${bobCode}` }).first().click();
    const nickname = alicePopup.getByRole('textbox', { name: `Nickname for ${bobCode}`, exact: true });
    await nickname.fill('x'.repeat(41));
    await alicePopup.getByRole('button', { name: 'Save nickname' }).click();
    await waitForStatus(alicePopup, /A nickname can be at most 40 characters\./);
    await nickname.fill('Bob at work');
    await alicePopup.getByRole('button', { name: 'Save nickname' }).click();
    await newestRecentCall(alicePopup, /Bob at work/);
    // Every entry for that code takes the name; none shows the bare code any more.
    expect(await alicePopup.getByRole('list', { name: 'Recent calls' }).getByText(bobCode).count()).toBe(0);

    // Bob gives Alice a nickname too, to see it on his incoming call.
    await bobPopup.getByRole('button', { name: `Set a nickname for ${aliceCode}` }).first().click();
    await bobPopup.getByRole('textbox', { name: `Nickname for ${aliceCode}`, exact: true }).fill('Alice');
    await bobPopup.getByRole('button', { name: 'Save nickname' }).click();
    await newestRecentCall(bobPopup, /Alice/);

    await alicePopup.getByRole('button', { name: 'Call back Bob at work' }).first().click();
    await waitForStatus(alicePopup, /^Calling Bob at work…$/);
    await waitForStatus(bobPopup, /^Incoming call from Alice$/);
    await alicePopup.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(bobPopup, /^Missed call from Alice\.$/);

    // Stored for good, beside the calls.
    const stored = await alice.worker.evaluate(async () => (await chrome.storage.local.get('callHistory')).callHistory as { nicknames: Record<string, string> });
    expect(stored.nicknames).toEqual({ [plain(bobCode)]: 'Bob at work' });

    alicePopup.once('dialog', (dialog) => void dialog.accept());
    await alicePopup.getByRole('button', { name: 'Clear history' }).click();
    await eventually(() => alicePopup.getByRole('list', { name: 'Recent calls' }).count(), (n) => n === 0, 'the recent calls to be cleared');
    expect(await storedCalls(alice)).toEqual([]);
  });

  it('opens the call view with the Accept click when that setting is on, remembers the setting, and names the caller there by nickname', async () => {
    const { bob, alicePopup, bobPopup, bobCode } = parties;
    // Bob named Alice in the test before. (The fixture left Settings open: it pointed the popup at the test's server there.)
    const setting = bobPopup.getByRole('checkbox', { name: 'Open the call view when I answer' });
    await setting.check();
    const again = await bob.reopenPopup();
    await again.getByText('Settings').click();
    await eventually(() => again.getByRole('checkbox', { name: 'Open the call view when I answer' }).isChecked(), Boolean, 'the setting to be kept');
    await again.close();

    const sidePanels = () => bob.worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['SIDE_PANEL'] })).length);
    expect(await sidePanels()).toBe(0);
    await connectCall(alicePopup, bobPopup, bobCode);
    await eventually(sidePanels, (n) => n === 1, 'the side panel to open on Accept');

    // The call view (its page opened in a tab: Playwright cannot see the panel) names Alice by the nickname Bob gave her.
    const view = await bob.context.newPage();
    await view.goto(bob.url('src/side-panel/index.html'));
    await waitForStatus(view, /^In call with Alice$/);
    await view.getByText('Alice', { exact: true }).waitFor();
    await view.close();
  });
});
