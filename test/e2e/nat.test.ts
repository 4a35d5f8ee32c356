/**
 * Calls between two homes behind real NATs (support/nat-lab.ts): the
 * browsers run inside their homes, the server and coturn on a public
 * segment, and nothing is forced by a test-only policy. What a person sees
 * is checked (the other side's camera by its colour, the status in words),
 * and which path the call took (the candidate pair in use, from getStats).
 *
 * Needs root, network namespaces and iptables, as CI has; anywhere else the
 * suite is skipped, and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CONNECT_TIMEOUT_MS } from '../../src/shared/call-state';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { dial, expectVideoFlowing } from './support/calls';
import { startCoturn, type RunningTurn } from './support/coturn';
import { writeFlatCamera } from './support/flat-camera';
import { createNatLab, type NatLab, type NatLabOptions, natLabUnavailable } from './support/nat-lab';
import { eventually, myCode, newestRecentCall, printTracesOnFailure, selectedPair, waitForStatus } from './support/probes';
import { type RunningServer, startServer } from './support/server';
import { FRAME_GRID, readVideoFrame, rgbFromYCbCr, showsFlatColour } from './support/video-colour';

const unavailable = natLabUnavailable();
if (unavailable) console.warn(`NAT suite SKIPPED (not passed): ${unavailable}.`);

const SECRET = 'e2e-nat-secret-shared-with-coturn';
/** Each home's camera shows one flat colour, so each side can tell the other's picture from its own. */
const CAMERAS = { a: [81, 90, 240] as [number, number, number], b: [145, 54, 34] as [number, number, number] };
/** A call across NATs gathers, checks and maybe relays; the product's own connect deadline is 20 s. */
const CONNECT_MS = 25_000;

interface Lab {
  lab: NatLab;
  turn: RunningTurn;
  server: RunningServer;
  alice: ExtensionBrowser;
  bob: ExtensionBrowser;
  alicePopup: Page;
  bobPopup: Page;
}

/**
 * A lab, coturn (the relay, where `env` names it), a server with `env`, and a browser in each home with its popup
 * open on that server. Alice lives in home a, Bob in home b.
 */
function labWith(options: NatLabOptions, env: (turn: RunningTurn) => Record<string, string>): Lab {
  const parts = {} as Lab;
  beforeAll(async () => {
    parts.lab = createNatLab(options);
    const place = parts.lab.publicPlace;
    parts.turn = await startCoturn(SECRET, undefined, place);
    parts.server = await startServer(env(parts.turn), undefined, 15_000, place);
    const cameras = await Promise.all(
      (['a', 'b'] as const).map((home) => writeFlatCamera(`/tmp/peerdial-nat-${process.pid}-${home}.y4m`, { colour: CAMERAS[home] })),
    );
    [parts.alice, parts.bob] = await Promise.all([
      launchExtensionBrowser({ ...parts.lab.browserIn('a'), cameraFile: cameras[0] }),
      launchExtensionBrowser({ ...parts.lab.browserIn('b'), cameraFile: cameras[1] }),
    ]);
    [parts.alicePopup, parts.bobPopup] = await Promise.all([parts.alice.openPopup(parts.server.url), parts.bob.openPopup(parts.server.url)]);
  });
  afterAll(async () => {
    await Promise.all([parts.alice?.close(), parts.bob?.close()]);
    await parts.server?.stop();
    await parts.turn?.stop();
    parts.lab?.destroy();
  });
  return parts;
}

/** STUN from the signaling server itself, on its default port (each lab's public segment has its own ports), as a fresh deployment has it. */
const stunOnly = () => ({ STUN_PORT: '3478' });
const stunAndTurn = (turn: RunningTurn) => ({ ...stunOnly(), TURN_URLS: turn.url, TURN_SECRET: SECRET });

/** The other side's flat colour is on screen: their camera, not ours, and moving frames. */
async function seesCamera(popup: Page, colour: [number, number, number], what: string): Promise<void> {
  const rgb = rgbFromYCbCr(colour);
  await eventually(
    () => popup.evaluate(readVideoFrame, { label: 'Remote video', points: FRAME_GRID }),
    (frame) => frame !== null && showsFlatColour(frame, rgb),
    what,
    CONNECT_MS,
  );
}

/** Alice calls Bob and he accepts; their codes, for the statuses that follow. */
async function dialAndAccept({ alicePopup, bobPopup }: Lab): Promise<{ aliceCode: string; bobCode: string }> {
  printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
  const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);
  await dial(alicePopup, bobCode);
  await waitForStatus(bobPopup, /Incoming call/);
  await bobPopup.getByRole('button', { name: 'Accept' }).click();
  return { aliceCode, bobCode };
}

/** Alice calls Bob and both see each other's camera. */
async function call(parts: Lab): Promise<{ aliceCode: string; bobCode: string }> {
  const { alicePopup, bobPopup } = parts;
  const { aliceCode, bobCode } = await dialAndAccept(parts);
  await Promise.all([
    waitForStatus(alicePopup, new RegExp(`^In call with ${bobCode}`), CONNECT_MS),
    waitForStatus(bobPopup, new RegExp(`^In call with ${aliceCode}`), CONNECT_MS),
  ]);
  await Promise.all([seesCamera(alicePopup, CAMERAS.b, "Bob's camera at Alice's"), seesCamera(bobPopup, CAMERAS.a, "Alice's camera at Bob's")]);
  return { aliceCode, bobCode };
}

async function hangUp({ alicePopup, bobPopup }: Lab): Promise<void> {
  await alicePopup.getByRole('button', { name: 'Hang up' }).click();
  await Promise.all([alicePopup, bobPopup].map((popup) => popup.getByLabel('Call code').waitFor()));
}

describe.skipIf(unavailable)('calls across real NATs', () => {
  describe('two homes whose NATs keep their ports, STUN only', () => {
    const parts = labWith({ homes: { a: 'port-preserving', b: 'port-preserving' }, secondRouterForA: true }, stunOnly);

    it('connect directly, each side sending to the other home\'s public address', async () => {
      await call(parts);
      for (const popup of [parts.alicePopup, parts.bobPopup]) {
        const pair = await eventually(() => selectedPair(popup), (p) => p !== null, 'a path in use');
        expect(pair!.local).not.toBe('relay');
        expect(pair!.remote).not.toBe('relay');
        // The far end as its router shows it: a public address, never a home's private one.
        expect(pair!.remoteAddress).toMatch(/^198\.18\./);
      }
      await hangUp(parts);
    });

    it('come back by themselves when one home moves to another network mid-call (Wi-Fi to a phone\'s hotspot)', async () => {
      const { lab, alicePopup, bobPopup } = parts;
      const { aliceCode } = await call(parts);
      const moved = Date.now();
      lab.moveHomeA();
      // Alice now reaches Bob from her new router's address, and both see each other's moving picture again.
      await eventually(() => selectedPair(bobPopup), (pair) => pair?.remoteAddress === lab.movedAddressA, "Bob's path to Alice's new address", CONNECT_MS);
      const pathBack = Date.now() - moved;
      await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
      await waitForStatus(bobPopup, new RegExp(`^In call with ${aliceCode}`));
      console.log(`NAT suite: after the network change, the path was back in ${pathBack} ms and the call whole again in ${Date.now() - moved} ms`);
      await hangUp(parts);
    });
  });

  describe('one home behind a symmetric NAT, no TURN', () => {
    const parts = labWith({ homes: { a: 'symmetric', b: 'port-preserving' } }, stunOnly);

    it('say on both sides, within the connect timeout, that the call could not connect and what would help; neither reads as a hang-up', async () => {
      const { alicePopup, bobPopup } = parts;
      const { aliceCode, bobCode } = await dialAndAccept(parts);
      const accepted = Date.now();
      await Promise.all([
        waitForStatus(alicePopup, new RegExp(`^Could not connect to ${bobCode}: .*TURN server`), CONNECT_TIMEOUT_MS + 5_000),
        waitForStatus(bobPopup, new RegExp(`^Could not connect to ${aliceCode}: .*TURN server`), CONNECT_TIMEOUT_MS + 5_000),
      ]);
      console.log(`NAT suite: no path across the symmetric NAT, both sides told ${Date.now() - accepted} ms after Accept`);
      await newestRecentCall(alicePopup, new RegExp(`${bobCode}[\\s\\S]*Outgoing call, failed: could not connect`));
      await newestRecentCall(bobPopup, new RegExp(`${aliceCode}[\\s\\S]*Incoming call, failed: could not connect`));
    });
  });

  describe('one home behind a symmetric NAT, TURN configured', () => {
    const parts = labWith({ homes: { a: 'symmetric', b: 'port-preserving' } }, stunAndTurn);

    it('connect through the relay', async () => {
      await call(parts);
      const pairs = await Promise.all([parts.alicePopup, parts.bobPopup].map((popup) => eventually(() => selectedPair(popup), (p) => p !== null, 'a path in use')));
      // A symmetric NAT's port for the relay is not its port for Bob: only a relay joins them.
      expect(pairs.some((pair) => pair!.local === 'relay')).toBe(true);
      await hangUp(parts);
    });
  });
});
