/**
 * Alice and Bob: two browsers with the extension and one real server for a
 * test file, with a fresh popup each per test. After every test any call left
 * up is ended and nothing may be left running: no offscreen document, no
 * capture.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { type BrowserOptions, type ExtensionBrowser, launchExtensionBrowser } from './browser';
import { endAnyCall } from './calls';
import { eventually, liveLocalTracks, myCode, offscreenDocuments } from './probes';
import { type RunningServer, startServer } from './server';

export interface TwoParties {
  /** Replaceable: a test may restart the server. */
  server: RunningServer;
  alice: ExtensionBrowser;
  bob: ExtensionBrowser;
  alicePopup: Page;
  bobPopup: Page;
  aliceCode: string;
  bobCode: string;
}

export function twoParties(options: BrowserOptions = {}): TwoParties {
  const parties = {} as TwoParties;

  beforeAll(async () => {
    parties.server = await startServer();
    [parties.alice, parties.bob] = await Promise.all([launchExtensionBrowser(options), launchExtensionBrowser(options)]);
  });

  afterAll(async () => {
    await Promise.all([parties.alice?.close(), parties.bob?.close()]);
    await parties.server?.stop();
  });

  beforeEach(async () => {
    const { alice, bob, server } = parties;
    [parties.alicePopup, parties.bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    [parties.aliceCode, parties.bobCode] = await Promise.all([myCode(parties.alicePopup), myCode(parties.bobPopup)]);
  });

  afterEach(async () => {
    const { alice, bob, alicePopup, bobPopup } = parties;
    // A failed test must not leave its call up for the next one.
    await Promise.all([alicePopup, bobPopup].map(endAnyCall));
    for (const party of [alice, bob]) {
      await eventually(() => offscreenDocuments(party.worker), (n) => n === 0, 'the offscreen document to close');
    }
    expect(await liveLocalTracks(alicePopup)).toBe(0);
    expect(await liveLocalTracks(bobPopup)).toBe(0);
    await Promise.all([alicePopup.close(), bobPopup.close()]);
  });

  return parties;
}
