/**
 * A call that may only use the TURN relay (as behind a strict NAT) connects
 * through a real coturn, with the time-limited credentials the server hands
 * out on ring and accept. The server runs with its default origin list, so
 * this also proves the extension's id derived from the manifest key is the id
 * Chromium gives it. Then the relay goes away mid-call and comes back: the
 * network path breaking, for real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ownExtensionOrigin } from '../../server/extension-origin';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { connectCall, expectVideoFlowing } from './support/calls';
import { type RunningTurn, startCoturn } from './support/coturn';
import { eventually, inboundBytes, myCode, waitForStatus } from './support/probes';
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

interface SelectedPair {
  local: string;
  remote: string;
  localAddress: string;
}

/** The candidate pair the offscreen document's peer connection is using now, read from getStats. */
function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      if (!pc) continue;
      const reports = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((report: Record<string, unknown>) => reports.set(report.id as string, report));
      const transport = [...reports.values()].find((r) => r.type === 'transport' && r.selectedCandidatePairId);
      const pair = transport && reports.get(transport.selectedCandidatePairId as string);
      if (!pair || pair.state !== 'succeeded') return null;
      const local = reports.get(pair.localCandidateId as string);
      const remote = reports.get(pair.remoteCandidateId as string);
      return { local: String(local?.candidateType), remote: String(remote?.candidateType), localAddress: String(local?.address) };
    }
    return null;
  });
}

describe('a call behind a strict NAT', () => {
  it('connects through the TURN relay with the server-issued credentials', async () => {
    expect(`chrome-extension://${alice.extensionId}`).toBe(ownExtensionOrigin());
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
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
      expect(pair).toMatchObject({ local: 'relay', remote: 'relay', localAddress: '127.0.0.1' });
      const bytes = await inboundBytes(popup);
      await eventually(() => inboundBytes(popup), (b) => b > bytes + 10_000, 'media bytes through the relay', 30_000);
    }

    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
  });

  it('says "Reconnecting…" while the relay is down, and resumes by itself when it is back', async () => {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);
    await connectCall(alicePopup, bobPopup, bobCode);
    expect(await selectedPair(alicePopup)).toMatchObject({ local: 'relay', remote: 'relay' });

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
    const backAt = Date.now();
    await Promise.all([
      waitForStatus(alicePopup, new RegExp(`^In call with ${bobCode}`), 20_000),
      waitForStatus(bobPopup, new RegExp(`^In call with ${aliceCode}`), 20_000),
    ]);
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
    console.log(`[fault] relay back → call whole again (ICE restarted, video flowing): ${Date.now() - backAt} ms`);
    expect(await selectedPair(alicePopup)).toMatchObject({ local: 'relay', remote: 'relay' });

    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
  });
});
