/**
 * Block, as a person uses it (issue 20, finding 5): Bob blocks Alice from her
 * incoming call, which declines it, and her next ring reads in her popup
 * exactly as a ring to an offline code; the list outlives Bob's worker, and
 * Unblock in Settings lets her through again. A ring that came while Bob was
 * in another call is in his Recent calls as missed, with a Block of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/protocol';
import { closeAll, connectPeer, type Peer } from '../../server/testing/harness';
import type { ExtensionBrowser } from './support/browser';
import { connectCall, dial } from './support/calls';
import { eventually, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';
import { stopWorker } from './support/worker-restart';

const parties = twoParties();
const strangers: Peer[] = [];

afterEach(() => closeAll(...strangers.splice(0)));

const plain = (code: string) => code.replaceAll('-', '');

function storedBlockList(party: ExtensionBrowser): Promise<unknown> {
  return party.worker.evaluate(async () => (await chrome.storage.local.get('blockedCodes')).blockedCodes);
}

describe('block', () => {
  it("blocks a caller from the incoming call: declined, and their next ring says what an offline code's says, until unblocked", async () => {
    const { bob, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await dial(alicePopup, bobCode);
    await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));
    await bobPopup.getByRole('button', { name: `Block ${aliceCode}` }).click();
    await waitForStatus(bobPopup, new RegExp(`^Blocked ${aliceCode} and declined the call: their calls now find you offline\\.`));
    await waitForStatus(alicePopup, /declined/);
    expect(await storedBlockList(bob)).toEqual([plain(aliceCode)]);

    await dial(alicePopup, bobCode);
    await waitForStatus(alicePopup, new RegExp(`^${bobCode} is offline or does not exist\\.$`));

    // Bob's worker stops and a fresh one registers again: the list comes from his storage with it.
    await stopWorker(bob, bobPopup);
    const popup = await bob.reopenPopup();
    await popup.getByText('Online', { exact: true }).waitFor();
    await dial(alicePopup, bobCode);
    await waitForStatus(alicePopup, new RegExp(`^${bobCode} is offline or does not exist\\.$`));
    expect(await popup.getByRole('button', { name: 'Accept' }).count()).toBe(0);

    // Unblock in Settings, and Alice rings through.
    await popup.getByText('Settings', { exact: true }).click();
    await popup.getByRole('list', { name: 'Blocked codes' }).getByRole('button', { name: `Unblock ${aliceCode}` }).click();
    await waitForStatus(popup, new RegExp(`^Unblocked ${aliceCode}: they can call you again\\.$`));
    expect(await storedBlockList(bob)).toEqual([]);
    await dial(alicePopup, bobCode);
    await waitForStatus(popup, new RegExp(`Incoming call from ${aliceCode}`));
    await alicePopup.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(popup, /Missed call/);
    await popup.close();
  });

  it('lists a ring that came while in another call as missed in Recent calls, and blocks that caller from there', async () => {
    const { server, alicePopup, bobPopup, bobCode } = parties;
    await connectCall(alicePopup, bobPopup, bobCode);
    // Carol, a third party from a plain client in another household, rings Bob mid-call: she hears "busy". (Alice's
    // rings to Bob came from this loopback address, which the server counts per callee too.)
    const carol = await connectPeer(server.url, { localAddress: '127.0.0.2' });
    strangers.push(carol);
    expect(await carol.socket.emitWithAck('ring', { to: plain(bobCode) })).toMatchObject({ ok: false, error: ErrorCode.Busy });
    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, /ended/);

    const carolCode = carol.code.replace(/(.{4})(.{4})(.{4})/, '$1-$2-$3');
    const recent = bobPopup.getByRole('list', { name: 'Recent calls' });
    const missed = recent.getByRole('listitem').filter({ hasText: carolCode });
    await eventually(() => missed.innerText().catch(() => ''), (text) => /Missed call while you were in another call/.test(text), 'the ring missed while busy in Recent calls');
    expect(await missed.getAttribute('class')).toBe('missed');
    // Newest first: the ring came after the call with Alice began.
    expect(await recent.getByRole('listitem').first().innerText()).toContain(carolCode);

    await missed.getByRole('button', { name: `Block ${carolCode}` }).click();
    await waitForStatus(bobPopup, new RegExp(`^Blocked ${carolCode}: their calls now find you offline\\.`));
    expect(await carol.socket.emitWithAck('ring', { to: plain(bobCode) })).toMatchObject({ ok: false, error: ErrorCode.Unavailable });
    await missed.getByRole('button', { name: `Unblock ${carolCode}` }).waitFor();
  });
});
