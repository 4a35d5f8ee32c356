/**
 * Dial → ring and Accept → first remote frame for PeerDial: two headless
 * Chromium processes with the built extension and fake media, the real
 * server on loopback, N calls in a row.
 */
import type { Page } from 'playwright-core';
import { type BrowserOptions, type ExtensionBrowser, launchExtensionBrowser } from '../test/e2e/support/browser';
import { dial } from '../test/e2e/support/calls';
import { myCode, waitForStatus } from '../test/e2e/support/probes';
import { type ServerPlace, startServer } from '../test/e2e/support/server';
import { BENCH_SERVER_ENV, pauseBetweenCalls, printProgress, relativeTo, type SetupSteps, STEP_TIMEOUT_MS } from './stats';
import { SETUP_MARK_PREFIX } from '../src/shared/setup-marks';
import { startDelayProxy } from './delay-proxy';
import { frameMarks, installHooks, PAGE_PRELUDE, type PageTimes } from './frame-timing';
import { cpuAround, type CpuWindow, windowAfter } from './processes';

export interface CallSetupSample {
  dialToRing: number;
  acceptToCalleeFrame: number;
  acceptToCallerFrame: number;
  /** Negative is before the Accept. */
  steps: SetupSteps;
  /** When asked for: the CPU both browsers used around the Accept, the window's ends in ms after it. */
  cpu?: CpuWindow;
}

/**
 * A person reads who is calling before clicking Accept; a second is quick for
 * that. The PeerJS baseline answers after the same pause.
 */
export const ACCEPT_AFTER_RING_MS = 1_000;

export const INCOMING = '^Incoming call';

export interface CallOptions {
  /**
   * Read both browsers' CPU from just before the Accept until both first
   * frames are on screen. The readings cost CPU of their own in the middle of
   * the set-up, so a call measured this way is not one of the timed ones.
   */
  measureCpu?: boolean;
}

/**
 * How often a CPU-measured call looks for the first frames: seldom enough to add little to what it measures (a
 * `raf` poll would keep both pages drawing), often enough to end the window soon after them.
 */
export const CPU_CALL_POLL_MS = 50;

/** Timing hooks in a page for the next call: its clicks, its ringing status, its remote video's first frame. */
export async function arm(page: Page): Promise<void> {
  await page.evaluate(PAGE_PRELUDE);
  await page.evaluate(installHooks, { videoLabel: 'Remote video', statusPatterns: [INCOMING] });
}

/** The offscreen document's set-up marks, as wall-clock times, read through the popup (the document itself is not a page). */
export function setupMarks(page: Page): Promise<Record<string, number>> {
  return page.evaluate((prefix) => {
    for (const view of chrome.extension.getViews()) {
      if (!('peerdialStreams' in view)) continue;
      const marks: Record<string, number> = {};
      for (const entry of view.performance.getEntriesByType('mark')) {
        if (entry.name.startsWith(prefix)) marks[entry.name.slice(prefix.length)] ??= view.performance.timeOrigin + entry.startTime;
      }
      return marks;
    }
    return {};
  }, SETUP_MARK_PREFIX);
}

/** The worker's set-up marks (the Accept's way to the server and back), as wall-clock times. */
export function workerMarks(browser: ExtensionBrowser): Promise<Record<string, number>> {
  return browser.worker.evaluate((prefix) => {
    const marks: Record<string, number> = {};
    for (const entry of performance.getEntriesByType('mark')) {
      if (entry.name.startsWith(prefix)) marks[entry.name.slice(prefix.length)] ??= performance.timeOrigin + entry.startTime;
    }
    return marks;
  }, SETUP_MARK_PREFIX);
}

/** What the hooks `arm` installed recorded, once the remote video's first frame is on screen. */
export async function times(page: Page, polling: number | 'raf' = 'raf'): Promise<PageTimes> {
  await page.waitForFunction(() => Boolean(window.benchTimes?.firstFrame), undefined, { timeout: STEP_TIMEOUT_MS, polling }).catch(async () => {
    throw new Error(`No remote frame seen; hooks recorded ${JSON.stringify(await page.evaluate(() => window.benchTimes))}`);
  });
  return page.evaluate(() => window.benchTimes!);
}

/**
 * Where a call bench's two browsers and servers are: by default all on loopback; across NATs (BENCH_NAT), each
 * browser in a home of a NAT lab and the servers on its public segment (bench/nat-run.ts).
 */
export interface BenchNetwork {
  server?: ServerPlace;
  /** The servers' STUN and TURN, as the signaling server's settings. */
  serverEnv?: Record<string, string>;
  /** How each browser (0 calls, 1 answers) is started. */
  browser?: (index: 0 | 1) => Pick<BrowserOptions, 'executablePath' | 'extraArgs'>;
}

/** The signaling server a call bench's browsers use: `serverRoundTripMs` away from them (0: on loopback). */
export async function startCallBenchServer(serverRoundTripMs: number, network: BenchNetwork = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  // Twenty calls a minute from one connection is a benchmark, not abuse: lift the ring limit.
  const server = await startServer({ ...BENCH_SERVER_ENV, ...network.serverEnv }, undefined, STEP_TIMEOUT_MS, network.server);
  const proxy = serverRoundTripMs > 0 ? await startDelayProxy(server.url, serverRoundTripMs) : undefined;
  return {
    url: proxy?.url ?? server.url,
    async stop() {
      await proxy?.close();
      await server.stop();
    },
  };
}

/**
 * Two browsers with the extension, registered with one server, ready to call
 * one another as often as asked; the server `serverRoundTripMs` away from both
 * (0: on loopback).
 */
export async function startCallSetupBench(
  serverRoundTripMs: number,
  network: BenchNetwork = {},
): Promise<{ call: (options?: CallOptions) => Promise<CallSetupSample>; close: () => Promise<void> }> {
  const server = await startCallBenchServer(serverRoundTripMs, network);
  const [alice, bob] = await Promise.all([launchExtensionBrowser(network.browser?.(0)), launchExtensionBrowser(network.browser?.(1))]);
  const close = async () => {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  };
  try {
    const serverUrl = server.url;
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(serverUrl), bob.openPopup(serverUrl)]);
    const bobCode = await myCode(bobPopup);
    let made = 0;
    async function call({ measureCpu }: CallOptions = {}): Promise<CallSetupSample> {
      await Promise.all([arm(alicePopup), arm(bobPopup)]);
      await dial(alicePopup, bobCode);
      await waitForStatus(bobPopup, /Incoming call/);
      await new Promise((r) => setTimeout(r, ACCEPT_AFTER_RING_MS));
      const acceptButton = bobPopup.getByRole('button', { name: 'Accept' });
      let cpu: CpuWindow | undefined;
      let frames!: [PageTimes, PageTimes];
      if (measureCpu) {
        // Found before the window opens and clicked from the page: finding it by role (the accessibility tree) and
        // Playwright's own work for a click (scrolling, hit-testing) are not the call's.
        const button = await acceptButton.elementHandle();
        const pids = [...(await alice.processes()), ...(await bob.processes())];
        cpu = await cpuAround(
          pids,
          () => button.evaluate((element: HTMLElement) => element.click()),
          async () => (frames = await Promise.all([times(alicePopup, CPU_CALL_POLL_MS), times(bobPopup, CPU_CALL_POLL_MS)])),
        );
      } else {
        await acceptButton.click();
        frames = await Promise.all([times(alicePopup), times(bobPopup)]);
      }
      const [caller, callee] = frames;
      const accepted = callee.click!.Accept!;
      const sample = {
        dialToRing: callee.status![INCOMING]! - caller.click!.Call!,
        acceptToCalleeFrame: callee.firstFrame! - accepted,
        acceptToCallerFrame: caller.firstFrame! - accepted,
        steps: {
          callee: relativeTo({ ...(await workerMarks(bob)), ...(await setupMarks(bobPopup)), ...frameMarks(callee) }, accepted),
          caller: relativeTo({ ...(await workerMarks(alice)), ...(await setupMarks(alicePopup)), ...frameMarks(caller) }, accepted),
        },
        ...(cpu && { cpu: windowAfter(cpu, accepted) }),
      };
      const { dialToRing, acceptToCalleeFrame, acceptToCallerFrame } = sample;
      const shown = { dialToRing, acceptToCalleeFrame, acceptToCallerFrame };
      printProgress(`PeerDial call ${++made}`, shown);
      await alicePopup.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([alicePopup, bobPopup].map((page) => page.getByLabel('Call code').waitFor()));
      await pauseBetweenCalls();
      return sample;
    }
    return { call, close };
  } catch (error) {
    await close();
    throw error;
  }
}
