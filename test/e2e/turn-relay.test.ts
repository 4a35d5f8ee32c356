/**
 * A call that may only use the TURN relay (as behind a strict NAT) connects
 * through a real coturn, with the time-limited credentials the server hands
 * out: the callee's with its accept, the caller's with its ring and again with
 * the accepted. The server runs with its default origin list, so this also
 * proves the extension's id derived from the manifest key is the id Chromium
 * gives it. Then the relay goes away mid-call and comes back: the network
 * path breaking, for real. Last, a call runs through several lifetimes of its
 * credentials, renewing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ownExtensionOrigin } from '../../server/extension-origin';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { connectCall, expectVideoFlowing } from './support/calls';
import { type RunningTurn, startCoturn } from './support/coturn';
import { eventually, inboundBytes, myCode, printTracesOnFailure, selectedPair, waitForStatus } from './support/probes';
import { type RunningServer, startServer } from './support/server';
import { FORCE_RELAY_KEY } from '../../src/media-host/transport-policy';

const SECRET = 'e2e-secret-shared-with-coturn';

let turn: RunningTurn;
let server: RunningServer;
let alice: ExtensionBrowser;
let bob: ExtensionBrowser;

beforeAll(async () => {
  turn = await startCoturn(SECRET);
  server = await startServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: '600' });
  [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser()]);
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.stop();
  await turn?.stop();
});

/**
 * Both say they are in the call again and video flows both ways: how long that took, ms. Then each end's own
 * candidate in use is its relay: relayed at both ends. (Each side's view of the far end is no proof: a pair found by
 * the far end's checks before its candidate arrived stays peer-reflexive in Chromium's stats.)
 */
async function wholeAgain(alicePopup: Page, bobPopup: Page, aliceCode: string, bobCode: string, timeoutMs: number): Promise<number> {
  const from = Date.now();
  await Promise.all([
    waitForStatus(alicePopup, new RegExp(`^In call with ${bobCode}`), timeoutMs),
    waitForStatus(bobPopup, new RegExp(`^In call with ${aliceCode}`), timeoutMs),
  ]);
  await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
  const took = Date.now() - from;
  for (const popup of [alicePopup, bobPopup]) await eventually(() => selectedPair(popup), (p) => p?.local === 'relay', 'our own relay in use');
  return took;
}

describe('a call behind a strict NAT', () => {
  it('connects through the TURN relay with the server-issued credentials', async () => {
    expect(`chrome-extension://${alice.extensionId}`).toBe(ownExtensionOrigin());
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
    for (const popup of [alicePopup, bobPopup]) await popup.evaluate((key) => localStorage.setItem(key, 'relay'), FORCE_RELAY_KEY);
    const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);

    await alicePopup.getByLabel('Call code').fill(bobCode);
    await alicePopup.getByRole('button', { name: 'Call', exact: true }).click();
    await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));
    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([
      waitForStatus(alicePopup, new RegExp(`In call with ${bobCode}`), 30_000),
      waitForStatus(bobPopup, new RegExp(`In call with ${aliceCode}`), 30_000),
    ]);

    for (const popup of [alicePopup, bobPopup]) {
      const pair = await eventually(() => selectedPair(popup), (p) => p !== null, 'a selected candidate pair', 30_000);
      // Both ends relayed: each side's own candidate is a coturn relay address.
      expect(pair).toMatchObject({ local: 'relay', localAddress: '127.0.0.1' });
      const bytes = await inboundBytes(popup);
      await eventually(() => inboundBytes(popup), (b) => b > bytes + 10_000, 'media bytes through the relay', 30_000);
    }

    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
  });

  it('says "Reconnecting…" while the relay is down, and resumes by itself when it is back', async () => {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
    const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);
    await connectCall(alicePopup, bobPopup, bobCode);
    // Read until settled, as the first test does: one CI run found no succeeded pair at a single read just after the
    // call connected (the callee had restarted ICE onto its relay at Accept).
    for (const popup of [alicePopup, bobPopup]) {
      expect(await eventually(() => selectedPair(popup), (p) => p !== null, 'a selected candidate pair', 10_000)).toMatchObject({ local: 'relay' });
    }

    await turn.stop();
    const brokenAt = Date.now();
    await Promise.all([
      waitForStatus(alicePopup, new RegExp(`^Reconnecting to ${bobCode}…`)),
      waitForStatus(bobPopup, new RegExp(`^Reconnecting to ${aliceCode}…`)),
    ]);
    console.log(`[fault] relay stopped → "Reconnecting…": ${Date.now() - brokenAt} ms`);
    // A popup opened now tells the truth too.
    const fresh = await bob.reopenPopup();
    await waitForStatus(fresh, /^Reconnecting to/);
    await fresh.close();

    turn = await startCoturn(SECRET, turn.port);
    console.log(`[fault] relay back → call whole again (ICE restarted, video flowing): ${await wholeAgain(alicePopup, bobPopup, aliceCode, bobCode, 20_000)} ms`);

    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
  });
});

/** A credential's life for the call below: the server's floor, so the call outlives several in two minutes. */
const SHORT_TTL_S = 30;

/** The relay ports (allocations) our side has gathered so far. */
function localRelayPorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      if (!pc) continue;
      const ports: number[] = [];
      (await pc.getStats()).forEach((report: Record<string, unknown>) => {
        if (report.type === 'local-candidate' && report.candidateType === 'relay') ports.push(Number(report.port));
      });
      return ports;
    }
    return [];
  });
}

/** When each relay allocation of this side first appeared: polled, so a restart's allocation is seen within the interval. */
function watchAllocations(page: Page): { firstSeen: Map<number, number>; stop: () => Promise<void> } {
  const firstSeen = new Map<number, number>();
  let running = true;
  const polling = (async () => {
    while (running) {
      for (const port of await localRelayPorts(page).catch(() => [])) if (!firstSeen.has(port)) firstSeen.set(port, Date.now());
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    firstSeen,
    async stop() {
      running = false;
      await polling;
    },
  };
}

describe('a relayed call longer than its credentials', () => {
  it(
    'renews them: after several lifetimes its media still flows and each side has relays allocated with a fresh credential, and a relay restart is survived',
    async () => {
      const short = await startServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: String(SHORT_TTL_S) });
      const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(short.url), bob.openPopup(short.url)]);
      printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
      const watching: ReturnType<typeof watchAllocations>[] = [];
      try {
        for (const popup of [alicePopup, bobPopup]) await popup.evaluate((key) => localStorage.setItem(key, 'relay'), FORCE_RELAY_KEY);
        const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);
        await connectCall(alicePopup, bobPopup, bobCode);
        // Every credential handed out while the call was set up has expired by then.
        const firstExpired = Date.now() + SHORT_TTL_S * 1000;
        watching.push(watchAllocations(alicePopup), watchAllocations(bobPopup));

        // Three lifetimes, media checked at each.
        for (let lifetime = 1; lifetime <= 3; lifetime++) {
          await new Promise((r) => setTimeout(r, SHORT_TTL_S * 1000));
          await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
          console.log(`[turn] ${lifetime * SHORT_TTL_S} s past set-up: video flowing both ways`);
        }
        for (const [popup, watch] of [[alicePopup, watching[0]!], [bobPopup, watching[1]!]] as const) {
          const pair = await eventually(() => selectedPair(popup), (p) => p?.local === 'relay', 'our own relay in use', 15_000);
          // coturn goes on refreshing an allocation whose credential expired, so a call that never renewed would still
          // flow here, on set-up's relays alone. Each side has relays allocated after set-up's credentials expired,
          // and coturn gives a new allocation only to a credential still good: renewed ones. Which relay carries the
          // media is Chromium's choice: an ICE restart keeps the ports it had, so a pair on an older allocation, as
          // good as the new one while coturn refreshes it, stays selected in some runs.
          const renewed = [...watch.firstSeen.values()].filter((at) => at > firstExpired);
          expect(renewed.length).toBeGreaterThan(0);
          const inUse = watch.firstSeen.get(pair!.localPort)!;
          console.log(`[turn] ${renewed.length} relays allocated after set-up's credentials expired; the one in use ${Math.round((inUse - firstExpired) / 1000)} s after`);
        }

        // The relay restarts, long after set-up: allocating again takes a credential that has not expired.
        await turn.stop();
        turn = await startCoturn(SECRET, turn.port);
        const into = Math.round((Date.now() - firstExpired) / 1000) + SHORT_TTL_S;
        console.log(`[turn] relay restarted ${into} s into the call → whole again in ${await wholeAgain(alicePopup, bobPopup, aliceCode, bobCode, 30_000)} ms`);

        await alicePopup.getByRole('button', { name: 'Hang up' }).click();
        await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
      } finally {
        await Promise.all(watching.map((watch) => watch.stop()));
        await Promise.all([alicePopup.close(), bobPopup.close()]);
        await short.stop();
      }
    },
    300_000,
  );
});
