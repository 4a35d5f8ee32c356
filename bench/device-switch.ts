/**
 * Switching the camera mid-call, as a person does it in the call view: how
 * long from the choice in the picker until the new camera is on the peer
 * connection, how long the other side's picture stands still meanwhile
 * (against its longest pause in as long a stretch without a switch, in the
 * same run), and whether anything was renegotiated (it must not be).
 *
 *   npm run bench:devices     (BENCH_SWITCHES, default 10)
 */
import type { Page } from 'playwright-core';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { connectCall } from '../test/e2e/support/calls';
import { eventually, myCode, waitForStatus } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { PAGE_PRELUDE } from './frame-timing';
import { BENCH_SERVER_ENV, printProgress, printTable, round, summarize } from './stats';

const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 10);
/** How long after each choice the other side's frames are watched: a switch is over well within it. */
const WATCH_MS = 2_000;
/** fake_device_1 is a depth camera a peer connection does not send. */
const CAMERAS = ['fake_device_2', 'fake_device_0'];

declare global {
  interface Window {
    benchFrames?: number[];
    benchSwitch?: { chosenAt: number[]; sentAt: number[]; negotiationsNeeded: number; sdp: string };
  }
}

/** Bob's side: the wall-clock time of every remote frame presented. */
function recordFrames(): void {
  const frames: number[] = [];
  window.benchFrames = frames;
  const video = document.querySelector<HTMLVideoElement>('video[aria-label="Remote video"]')!;
  const next = () => video.requestVideoFrameCallback((now) => {
    frames.push(performance.timeOrigin + now);
    next();
  });
  next();
}

/** Alice's call view: when the camera is chosen, and when the offscreen document's camera sender carries a new track. */
function recordSwitches(): void {
  const wall = () => performance.timeOrigin + performance.now();
  const offscreen = chrome.extension.getViews().find((view) => view.peerdialStreams?.pc)!;
  const pc = offscreen.peerdialStreams!.pc!;
  const record = { chosenAt: [] as number[], sentAt: [] as number[], negotiationsNeeded: 0, sdp: pc.localDescription!.sdp };
  window.benchSwitch = record;
  pc.addEventListener('negotiationneeded', () => (record.negotiationsNeeded += 1));
  document.getElementById('device-camera')!.addEventListener('change', () => record.chosenAt.push(wall()), true);
  const cameraTrack = () => offscreen.peerdialStreams!.local.getVideoTracks()[0];
  let sent = pc.getSenders().find((sender) => sender.track === cameraTrack())!.track;
  // The view is the tab in front, so its timers run at full speed.
  setInterval(() => {
    const now = pc.getSenders().find((sender) => sender.track?.kind === 'video' && sender.track === cameraTrack())?.track;
    if (now && now !== sent) {
      sent = now;
      record.sentAt.push(wall());
    }
  }, 2);
}

const longestGap = (frames: number[], from: number, to: number) => {
  const inside = frames.filter((time) => time >= from && time <= to);
  let longest = 0;
  for (let i = 1; i < inside.length; i++) longest = Math.max(longest, inside[i]! - inside[i - 1]!);
  return longest;
};

async function switchTo(view: Page, label: string): Promise<void> {
  await view.getByLabel('Camera', { exact: true }).selectOption({ label });
  await eventually(() => view.evaluate(() => window.benchSwitch!.sentAt.length), (n) => n > 0, 'the sender to carry the new camera');
}

async function main(): Promise<void> {
  const server = await startServer(BENCH_SERVER_ENV);
  const [alice, bob] = await Promise.all([launchExtensionBrowser({ cameras: 3 }), launchExtensionBrowser({ cameras: 3 })]);
  try {
    const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
    await connectCall(alicePopup, bobPopup, await myCode(bobPopup));
    const view = await alice.context.newPage();
    await view.goto(alice.url('src/side-panel/index.html'));
    await waitForStatus(view, /^In call with/);
    await eventually(() => view.getByLabel('Camera', { exact: true }).locator('option').count(), (n) => n === 3, 'three cameras listed');
    await Promise.all([view, bobPopup].map((page) => page.evaluate(PAGE_PRELUDE)));
    await bobPopup.evaluate(recordFrames);
    await view.evaluate(recordSwitches);

    const rows: { toSender: number; gap: number; baselineGap: number }[] = [];
    for (let i = 0; i < SWITCHES; i++) {
      // A quiet stretch first, as long as the one watched after the switch: the picture's own rhythm.
      await new Promise((r) => setTimeout(r, WATCH_MS));
      await view.evaluate(() => (window.benchSwitch!.sentAt.length = 0));
      await switchTo(view, CAMERAS[i % 2]!);
      await new Promise((r) => setTimeout(r, WATCH_MS));
      const { chosenAt, sentAt } = await view.evaluate(() => window.benchSwitch!);
      const chosen = chosenAt.at(-1)!;
      const frames = await bobPopup.evaluate(() => window.benchFrames!);
      const row = {
        toSender: sentAt[0]! - chosen,
        gap: longestGap(frames, chosen, chosen + WATCH_MS),
        baselineGap: longestGap(frames, chosen - WATCH_MS, chosen),
      };
      rows.push(row);
      printProgress(`switch ${i + 1}/${SWITCHES} to ${CAMERAS[i % 2]}`, row);
    }
    const { negotiationsNeeded, sdp } = await view.evaluate(() => window.benchSwitch!);
    const sdpNow = await view.evaluate(() => chrome.extension.getViews().find((v) => v.peerdialStreams?.pc)!.peerdialStreams!.pc!.localDescription!.sdp);

    const line = (what: string, values: number[]) => {
      const { p50, p95, n } = summarize(values);
      return [what, p50, p95, round(Math.max(...values)), n];
    };
    console.log(`\nCamera switch in the call view (fake cameras, loopback, ${SWITCHES} switches)\n`);
    printTable(
      ['measure (ms)', 'p50', 'p95', 'max', 'n'],
      [
        line('choice in the picker → new camera on the sender', rows.map((r) => r.toSender)),
        line("other side's longest pause between frames, 2 s after the choice", rows.map((r) => r.gap)),
        line('same, 2 s before the choice (no switch)', rows.map((r) => r.baselineGap)),
      ],
    );
    console.log(`\nnegotiationneeded events during the switches: ${negotiationsNeeded}; local description unchanged: ${sdp === sdpNow ? 'yes' : 'no'}`);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  }
}

await main();
