/**
 * Call → ring and Accept → first remote frame for a call from the guest
 * page: a plain Chromium opens the host's invite link and clicks Call; the
 * host, a Chromium with the built extension, accepts in its popup. The real
 * server serves the page and carries the call, on loopback or behind the
 * same delay proxy as the other calls.
 */
import type { Page } from 'playwright-core';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { myCode, waitForStatus } from '../test/e2e/support/probes';
import { type CallCode } from '../src/shared/call-code';
import { inviteLink } from '../src/shared/invite-link';
import { SETUP_MARK_PREFIX } from '../src/shared/setup-marks';
import { ACCEPT_AFTER_RING_MS, arm, INCOMING, setupMarks, startCallBenchServer, times, workerMarks } from './call-setup';
import { frameMarks } from './frame-timing';
import { launchGuestBrowser } from './guest-browser';
import { pauseBetweenCalls, printProgress, relativeTo, type SetupSteps } from './stats';

export interface GuestCallSample {
  /** The guest's Call click → the host's popup ringing. */
  callToRing: number;
  acceptToHostFrame: number;
  acceptToGuestFrame: number;
  /** The host as callee, the guest as caller; negative is before the Accept. */
  steps: SetupSteps;
}

/** The guest page's set-up marks, as wall-clock times: its call control and its media host share the page's one timeline. */
function pageMarks(page: Page): Promise<Record<string, number>> {
  return page.evaluate((prefix) => {
    const marks: Record<string, number> = {};
    for (const entry of performance.getEntriesByType('mark')) {
      if (entry.name.startsWith(prefix)) marks[entry.name.slice(prefix.length)] ??= performance.timeOrigin + entry.startTime;
    }
    return marks;
  }, SETUP_MARK_PREFIX);
}

/** A host with the extension and a guest page on its invite link, ready to call as often as asked; the server `serverRoundTripMs` away from both. */
export async function startGuestCallBench(serverRoundTripMs: number): Promise<{ call: () => Promise<GuestCallSample>; close: () => Promise<void> }> {
  const server = await startCallBenchServer(serverRoundTripMs);
  const [host, guest] = await Promise.all([launchExtensionBrowser(), launchGuestBrowser()]);
  const close = async () => {
    await Promise.all([host.close(), guest.close()]);
    await server.stop();
  };
  try {
    const serverUrl = server.url;
    const popup = await host.openPopup(serverUrl);
    const page = await guest.newPage();
    await page.goto(inviteLink(serverUrl, (await myCode(popup)) as CallCode)!);
    // Given once: the page keeps it for the calls after.
    await page.getByRole('textbox', { name: 'Your name (optional)' }).fill('Bench guest');
    const callButton = page.getByRole('button', { name: 'Call', exact: true });
    let made = 0;
    async function call(): Promise<GuestCallSample> {
      await Promise.all([arm(popup), arm(page)]);
      // Playwright's click waits for the button to be enabled: the page registered with the server.
      await callButton.click();
      await waitForStatus(popup, /Incoming call/);
      await new Promise((r) => setTimeout(r, ACCEPT_AFTER_RING_MS));
      await popup.getByRole('button', { name: 'Accept' }).click();
      const [guestTimes, hostTimes] = await Promise.all([times(page), times(popup)]);
      const accepted = hostTimes.click!.Accept!;
      const sample: GuestCallSample = {
        callToRing: hostTimes.status![INCOMING]! - guestTimes.click!.Call!,
        acceptToHostFrame: hostTimes.firstFrame! - accepted,
        acceptToGuestFrame: guestTimes.firstFrame! - accepted,
        steps: {
          callee: relativeTo({ ...(await workerMarks(host)), ...(await setupMarks(popup)), ...frameMarks(hostTimes) }, accepted),
          caller: relativeTo({ ...(await pageMarks(page)), ...frameMarks(guestTimes) }, accepted),
        },
      };
      const { callToRing, acceptToHostFrame, acceptToGuestFrame } = sample;
      printProgress(`Guest call ${++made}`, { callToRing, acceptToHostFrame, acceptToGuestFrame });
      await page.getByRole('button', { name: 'Hang up' }).click();
      await Promise.all([popup.getByLabel('Call code').waitFor(), callButton.waitFor()]);
      await pauseBetweenCalls();
      return sample;
    }
    return { call, close };
  } catch (error) {
    await close();
    throw error;
  }
}
