/**
 * Dial → ring and Accept → first remote frame for PeerDial: two headless
 * Chromium processes with the built extension and fake media, the real
 * server on loopback, N calls in a row.
 */
import type { Page } from 'playwright-core';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { dial } from '../test/e2e/support/calls';
import { myCode, waitForStatus } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { BENCH_SERVER_ENV } from './stats';
import { installHooks, PAGE_PRELUDE, type PageTimes } from './frame-timing';

export interface CallSetupSample {
  dialToRing: number;
  acceptToCalleeFrame: number;
  acceptToCallerFrame: number;
}

const INCOMING = '^Incoming call';

async function arm(page: Page): Promise<void> {
  await page.evaluate(PAGE_PRELUDE);
  await page.evaluate(installHooks, { videoLabel: 'Remote video', statusPatterns: [INCOMING] });
}

async function times(page: Page): Promise<PageTimes> {
  await page.waitForFunction(() => Boolean(window.benchTimes?.firstFrame), undefined, { timeout: 15_000 }).catch(async () => {
    throw new Error(`No remote frame seen; hooks recorded ${JSON.stringify(await page.evaluate(() => window.benchTimes))}`);
  });
  return page.evaluate(() => window.benchTimes!);
}

export async function measureCallSetup(calls: number): Promise<CallSetupSample[]> {
  // Twenty calls a minute from one connection is a benchmark, not abuse: lift the ring limit.
  const server = await startServer(BENCH_SERVER_ENV);
  const [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser()]);
  try {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    const bobCode = await myCode(bobPopup);
    const samples: CallSetupSample[] = [];
    for (let i = 0; i < calls; i++) {
      await Promise.all([arm(alicePopup), arm(bobPopup)]);
      await dial(alicePopup, bobCode);
      await waitForStatus(bobPopup, /Incoming call/);
      await bobPopup.getByRole('button', { name: 'Accept' }).click();
      const [caller, callee] = await Promise.all([times(alicePopup), times(bobPopup)]);
      const accepted = callee.click!.Accept!;
      const sample = {
        dialToRing: callee.status![INCOMING]! - caller.click!.Call!,
        acceptToCalleeFrame: callee.firstFrame! - accepted,
        acceptToCallerFrame: caller.firstFrame! - accepted,
      };
      samples.push(sample);
      process.stdout.write(`  PeerDial call ${i + 1}/${calls}: ${JSON.stringify(sample, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}\n`);
      await alicePopup.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([alicePopup, bobPopup].map((page) => page.getByLabel('Call code').waitFor()));
      // Let the offscreen documents close, as between two real calls.
      await new Promise((r) => setTimeout(r, 300));
    }
    return samples;
  } finally {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  }
}
