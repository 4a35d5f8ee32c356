/**
 * An accepted call for which no network path exists, as between two strict
 * NATs with no TURN server: both browsers may use only relayed candidates
 * (the developer's relay-only switch) and the server names no relay, so ICE
 * has nothing to check. Whichever side gives up first tells the other why;
 * both must say the call could not connect, never that it ended as if
 * someone hung up, and Recent calls lists it as failed on both sides.
 *
 * On loopback both connect deadlines fall within milliseconds of each other
 * and the two hang-ups cross, so each side would give up by itself and the
 * reason the protocol carries would go untested. Across real networks the
 * callee, who accepted first, gives up first and the caller hears it from
 * the server. The caller's browser is frozen (SIGSTOP) across the accept to
 * make that order certain: it hears of the accept, and starts its own
 * deadline, FROZEN_MS after the callee starts its own.
 */
import { afterEach, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS } from '../../src/shared/call-state';
import { FORCE_RELAY_KEY } from '../../src/media-host/transport-policy';
import { dial } from './support/calls';
import { newestRecentCall, printTracesOnFailure, waitForStatus } from './support/probes';
import { signalEach } from './support/browser';
import { twoParties } from './support/two-parties';

const parties = twoParties();

/** Time for the slower side's worker to hear the server's 'ended' and redraw, beyond its own deadline. */
const SLACK_MS = 5_000;
/** Far beyond the crossing of two messages on loopback, well within Socket.IO's 20 s ping timeout. */
const FROZEN_MS = 3_000;

async function frozen(processes: number[], during: () => Promise<void>): Promise<void> {
  try {
    signalEach(processes, 'SIGSTOP');
    await during();
  } finally {
    // Every one, even if stopping failed part-way: a browser left stopped hangs every hook after.
    signalEach(processes, 'SIGCONT');
  }
}


afterEach(async () => {
  for (const popup of [parties.alicePopup, parties.bobPopup]) if (!popup.isClosed()) await popup.evaluate((key) => localStorage.removeItem(key), FORCE_RELAY_KEY);
});

it('says "Could not connect to …" on both sides when no path exists, and Recent calls lists it as failed, not as a call', async () => {
  const { alicePopup, bobPopup, aliceCode, bobCode } = parties;
  printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
  for (const popup of [alicePopup, bobPopup]) await popup.evaluate((key) => localStorage.setItem(key, 'relay'), FORCE_RELAY_KEY);

  await dial(alicePopup, bobCode);
  await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));
  await frozen(await parties.alice.processes(), async () => {
    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await waitForStatus(bobPopup, new RegExp(`^Connecting to ${aliceCode}`));
    await new Promise((resolve) => setTimeout(resolve, FROZEN_MS));
  });
  await waitForStatus(alicePopup, new RegExp(`^Connecting to ${bobCode}`));

  const [aliceSaid, bobSaid] = await Promise.all([
    waitForStatus(alicePopup, new RegExp(`^Could not connect to ${bobCode}`), CONNECT_TIMEOUT_MS + SLACK_MS),
    waitForStatus(bobPopup, new RegExp(`^Could not connect to ${aliceCode}`), CONNECT_TIMEOUT_MS + SLACK_MS),
  ]);
  for (const said of [aliceSaid, bobSaid]) {
    expect(said).toMatch(/A TURN server relays calls through networks that block direct paths/);
    expect(said).not.toMatch(/ended/i);
  }

  await newestRecentCall(alicePopup, new RegExp(`${bobCode}[\\s\\S]*Outgoing call, failed: could not connect`));
  await newestRecentCall(bobPopup, new RegExp(`${aliceCode}[\\s\\S]*Incoming call, failed: could not connect`));
  for (const popup of [alicePopup, bobPopup]) {
    expect(await popup.getByRole('list', { name: 'Recent calls' }).getByRole('listitem').first().getAttribute('class')).toBe('missed');
  }
});
