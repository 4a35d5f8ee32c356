/**
 * `BENCH_GUEST=chromium|firefox npm run bench:transfer` (issue 22): how fast a
 * file crosses a call between the extension and a guest page, both ways. The
 * host is Chromium with the built extension; the guest a plain Chromium
 * (support/chromium-guest.ts, in a profile on disk as a person's browser, or
 * with BENCH_OFF_THE_RECORD=1 in a private context) or Debian's firefox-esr
 * (support/firefox.ts) on the host's invite link, served by the real server, which carries the
 * call. Neither side has a camera or microphone, so the call carries the file
 * alone, as in the two-extension mode (transfer.ts). A BENCH_SIZE_MB file
 * (200 MB by default) goes extension → guest, then guest → extension, each
 * timed from the receiver's Accept to the receiver's "verified" (saved to
 * Downloads by the extension, kept for its Save link by the page). Each
 * transfer has the bare data channel between the same two browsers, in the
 * same direction and the same call, measured just before it and just after
 * (the next transfer's, or a last one), and is compared with the better of
 * the two: the bare channel moves by a third between two measures a minute
 * apart on this machine, so it is measured beside what it is compared with.
 * BENCH_ROUNDS (default 1) repeats the pair of transfers, each round with
 * fresh file names, and prints each round's ratio and their median. Prints,
 * per direction: MB/s, that ratio, CPU per MB of each browser by process kind
 * (Firefox's by its -contentproc kind), peak memory (first round), and whether
 * every received file's SHA-256 equals the sent one's; exits with 1 when one
 * does not.
 *
 * Figures are indicative: on a shared machine other work competes for the CPU,
 * which moves MB/s far more than CPU per MB (time spent waiting is not counted).
 */
import { createHash } from 'node:crypto';
import { link, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type CallCode } from '../src/shared/call-code';
import { inviteLink } from '../src/shared/invite-link';
import { FILE_CHUNK_SIZE } from '../src/call/file-sender';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { launchChromiumGuest, pageEvaluator } from '../test/e2e/support/chromium-guest';
import { launchFirefox } from '../test/e2e/support/firefox';
import { type GuestBrowser, type GuestBrowserOptions, guestDials, type GuestPage, hostAcceptsGuest } from '../test/e2e/support/guest-page';
import { eventually, myCode } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { sha256File } from '../test/e2e/support/transfers';
import { extensionProcesses, readCpu, watchPeak } from './processes';
import { percentile } from './stats';
import { type BenchPage, bareChannelBetween, bothCpuPerMb, busiestThreads, cpuPerMbByKind, mb, percent, ROUNDS, SIZE, SIZE_MB, SWEEP_BYTES, THREADS, when, writeRandomFile } from './transfer-common';

const GUESTS: Record<string, (options: GuestBrowserOptions) => Promise<GuestBrowser>> = { chromium: launchChromiumGuest, firefox: launchFirefox };
/** BENCH_OFF_THE_RECORD=1: the Chromium guest in an off-the-record context (a private window), not a profile on disk. */
const OWN_PROFILE = process.env.BENCH_OFF_THE_RECORD !== '1';
const ENGINE = process.env.BENCH_GUEST ?? '';
const launchGuest = GUESTS[ENGINE];
if (!launchGuest) throw new Error(`BENCH_GUEST is "${ENGINE}": it takes chromium or firefox`);
const GUEST = ENGINE === 'firefox' ? 'Firefox guest' : `Chromium guest${OWN_PROFILE ? '' : ' (off the record)'}`;
/** Waits for what crosses the network before the clock starts: a shared 2-core machine runs two browsers and the server. */
const STEP_TIMEOUT_MS = 60_000;

/** One end of a transfer, driven as a person drives it: the extension's popup or the guest page. */
interface End {
  name: string;
  /** Where a bare data channel runs: the popup, or the guest page itself. */
  page: BenchPage;
  offer: (path: string) => Promise<void>;
  /** Waits until the offer of `file` can be accepted. */
  offered: (file: string) => Promise<void>;
  accept: (file: string) => Promise<void>;
  /** What its row says once a received file is verified and where the person can have it. */
  kept: RegExp;
  /** The SHA-256 of the received `file`, the `nth` this end received (from 0), as the person gets it. */
  receivedHash: (file: string, nth: number) => Promise<string>;
}

function extensionEnd(popup: Page, savedFiles: () => Promise<string[]>): End {
  return {
    name: 'extension',
    page: pageEvaluator(popup),
    offer: (path) => popup.getByLabel('Send files').setInputFiles(path),
    offered: (file) => popup.getByRole('button', { name: `Accept ${file}` }).waitFor({ timeout: STEP_TIMEOUT_MS }),
    accept: (file) => popup.getByRole('button', { name: `Accept ${file}` }).click(),
    kept: /verified and saved/,
    async receivedHash(_, nth) {
      // Playwright keeps each download under a name of its own: the call's downloads, oldest first, are the files received.
      const saved = await savedFiles();
      if (saved.length <= nth) throw new Error(`Downloads holds ${saved.length} files, not the ${nth + 1} received`);
      return sha256File(saved[nth]!);
    },
  };
}

function guestEnd(guest: GuestPage): End {
  return {
    name: GUEST,
    page: guest,
    offer: (path) => guest.chooseFiles('Send files', [path]),
    offered: (file) => eventually(() => guest.has('button', `Accept ${file}`), (has) => has, `the guest page to offer ${file}`, STEP_TIMEOUT_MS).then(() => undefined),
    accept: (file) => guest.click('button', `Accept ${file}`),
    kept: /verified: save it/,
    receivedHash: async (file) => createHash('sha256').update(await guest.download('link', `Save ${file}`)).digest('hex'),
  };
}

const work = await mkdtemp(join(tmpdir(), 'peerdial-bench-'));
const server = await startServer();
const [host, guests] = await Promise.all([launchExtensionBrowser({ fakeMedia: false, downloadsPath: join(work, 'downloads') }), launchGuest({ fakeMedia: false, ownProfile: OWN_PROFILE })]);
try {
  const hostPopup = await host.openPopup(server.url);
  const guest = await guests.newPage();
  const invite = inviteLink(server.url, (await myCode(hostPopup)) as CallCode)!;
  await guest.goto(invite);
  const savedFiles = () =>
    host.worker.evaluate(async () => (await chrome.downloads.search({ state: 'complete', orderBy: ['startTime'] })).map((item) => item.filename));
  const [extension, guestSide] = [extensionEnd(hostPopup, savedFiles), guestEnd(guest)];
  /** Each browser's processes now: [extension's Chromium, guest's browser]. */
  const browsers = () => Promise.all([host.processes(), guests.processes()]);

  /** The bare channel from one end to the other, each browser's CPU in the order of `browsers`. */
  async function bare(from: End, to: End) {
    const [hostPids, guestPids] = await browsers();
    const toGuest = from === extension;
    const measured = await bareChannelBetween(from.page, to.page, toGuest ? [hostPids, guestPids] : [guestPids, hostPids], FILE_CHUNK_SIZE);
    return { ...measured, sides: toGuest ? measured.sides : [...measured.sides].reverse() };
  }
  /** One file from one end to the other, Accept to verified; CPU and memory in the order of `browsers`. */
  async function send(from: End, to: End, file: string) {
    await from.offer(join(work, file));
    await to.offered(file);
    const pids = await browsers();
    const memory = [watchPeak(await extensionProcesses(host)), watchPeak(pids[1])];
    const baselines = await Promise.all(memory.map((watch) => watch.baseline));
    const cpuBefore = await Promise.all(pids.map((each) => readCpu(each, THREADS)));
    const start = Date.now();
    await to.accept(file);
    const [senderDone, receiverDone] = await Promise.all([when(from.page, `Sending ${file}`, /sent and verified/), when(to.page, `Receiving ${file}`, to.kept)]);
    const peaks = await Promise.all(memory.map((watch) => watch.stop()));
    const cpuAfter = await Promise.all(pids.map((each) => readCpu(each, THREADS)));
    return { start, senderDone, receiverDone, baselines, peaks, cpuBefore, cpuAfter };
  }

  const legs = [
    { from: extension, to: guestSide, file: 'to-guest' },
    { from: guestSide, to: extension, file: 'to-host' },
  ];
  await guestDials(guest, invite, 'Bench guest');
  await hostAcceptsGuest(hostPopup, guest, STEP_TIMEOUT_MS);
  const sent = await writeRandomFile(join(work, 'random.bin'), SIZE);
  // The same bytes under a name for each direction and round, so each transfer's rows and saved file are told apart.
  const fileName = (leg: number, round: number) => `${legs[leg]!.file}-${round + 1}.bin`;
  for (let round = 0; round < ROUNDS; round++) for (const leg of legs.keys()) await link(join(work, 'random.bin'), join(work, fileName(leg, round)));

  // Per direction: the bare channel before each round's transfer and once after the last, in the same call.
  const bares = legs.map((): Awaited<ReturnType<typeof bare>>[] => []);
  const transfers = legs.map((): Awaited<ReturnType<typeof send>>[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [leg, { from, to }] of legs.entries()) {
      bares[leg]!.push(await bare(from, to));
      transfers[leg]!.push(await send(from, to, fileName(leg, round)));
    }
    console.log(`  round ${round + 1} of ${ROUNDS} done`);
  }
  for (const [leg, { from, to }] of legs.entries()) bares[leg]!.push(await bare(from, to));
  const identical = await Promise.all(
    legs.map(async ({ to }, leg) => {
      for (let round = 0; round < ROUNDS; round++) if ((await to.receivedHash(fileName(leg, round), round)) !== sent) return false;
      return true;
    }),
  );

  console.log(`Bare data channel between the extension's Chromium and the ${GUEST}'s browser, in the call, ${mb(SWEEP_BYTES)} MB, ${FILE_CHUNK_SIZE / 1024} KiB chunks:`);
  console.log('| direction | when | MB/s | CPU ms per MB, both browsers | extension CPU ms per MB (by process) | guest CPU ms per MB (by process) |');
  console.log('| --- | --- | ---: | ---: | --- | --- |');
  legs.forEach(({ from, to }, leg) => {
    bares[leg]!.forEach((bare, i) => {
      const moment = i < ROUNDS ? `before transfer ${i + 1}` : `after transfer ${ROUNDS}`;
      console.log(`| ${from.name} → ${to.name} | ${moment} | ${bare.rate} | ${bare.cpu} | ${bare.sides[0]} | ${bare.sides[1]} |`);
    });
  });

  const receivedRate = (leg: number, round: number) => SIZE / ((transfers[leg]![round]!.receiverDone - transfers[leg]![round]!.start) / 1000);
  /** Received rate over the better bare channel beside it, the one just before and the one just after. */
  const ratio = (leg: number, round: number) => receivedRate(leg, round) / Math.max(bares[leg]![round]!.bytesPerSecond, bares[leg]![round + 1]!.bytesPerSecond);
  const row = (measure: string, values: (leg: number) => string) => console.log(`| ${measure} | ${legs.map((_, i) => values(i)).join(' | ')} |`);
  const took = (leg: number, end: 'senderDone' | 'receiverDone') => {
    const { start, [end]: done } = transfers[leg]![0]!;
    const seconds = (done - start) / 1000;
    return `${seconds.toFixed(2)} s, ${mb(SIZE / seconds)} MB/s`;
  };
  const cpu = (leg: number, side: number) => {
    const { cpuBefore, cpuAfter } = transfers[leg]![0]!;
    return cpuPerMbByKind(cpuBefore[side]!, cpuAfter[side]!, SIZE);
  };
  const memory = (leg: number, side: number) => {
    const [base, peak] = [transfers[leg]![0]!.baselines[side]!, transfers[leg]![0]!.peaks[side]!];
    return `${mb(base)} → ${mb(peak)} MB (+${mb(peak - base)})`;
  };
  const rounds = [...Array(ROUNDS).keys()];
  console.log(`\nPeerDial file transfer between the extension (Chromium) and a ${GUEST} page, ${SIZE_MB} MB each way, ${FILE_CHUNK_SIZE / 1024} KiB chunks, on loopback:`);
  console.log(`| measure | ${legs.map(({ from, to }) => `${from.name} → ${to.name}`).join(' | ')} |\n| --- | ---: | ---: |`);
  row('Accept → receiver verified (extension: saved to Downloads; guest: kept for its Save link)', (leg) => took(leg, 'receiverDone'));
  row('Accept → sender sees verified', (leg) => took(leg, 'senderDone'));
  row('bare channel between the two browsers, same direction, just before / just after', (leg) => `${bares[leg]![0]!.rate} / ${bares[leg]![1]!.rate} MB/s`);
  row('received rate ÷ the better bare channel beside it, same direction', (leg) => percent(ratio(leg, 0)));
  if (ROUNDS > 1) {
    const each = (leg: number, round: number) => {
      const { cpuBefore, cpuAfter } = transfers[leg]![round]!;
      return `${percent(ratio(leg, round))} (${mb(receivedRate(leg, round))} MB/s, ${bothCpuPerMb(cpuBefore, cpuAfter, SIZE)} ms)`;
    };
    row(`the same, each of ${ROUNDS} rounds (MB/s received, CPU ms per MB of both browsers)`, (leg) => rounds.map((round) => each(leg, round)).join(', '));
    row(`the same, median of ${ROUNDS} rounds`, (leg) => percent(percentile(rounds.map((round) => ratio(leg, round)), 50)));
  }
  row('extension CPU ms per MB, whole browser (by process)', (leg) => cpu(leg, 0));
  row(`${GUEST} CPU ms per MB, whole browser (by process)`, (leg) => cpu(leg, 1));
  row('extension process RSS, before → peak', (leg) => memory(leg, 0));
  row(`${GUEST} browser RSS (all its processes), before → peak`, (leg) => memory(leg, 1));
  row(`every received file's SHA-256 equals the sent file's (${ROUNDS} per direction)`, (leg) => (identical[leg] ? 'yes' : 'NO'));
  if (THREADS) {
    console.log('\nCPU ms per MB by thread (BENCH_THREADS=1), the busiest of each browser, first round:');
    legs.forEach(({ from, to }, leg) => {
      const { cpuBefore, cpuAfter } = transfers[leg]![0]!;
      for (const [side, name] of [[0, 'extension'], [1, GUEST]] as const) {
        console.log(`- ${from.name} → ${to.name}, ${name}: ${busiestThreads(cpuBefore[side]!, cpuAfter[side]!, SIZE)}`);
      }
    });
  }
  console.log("\nIndicative only: this machine is shared; the extension's RSS covers its whole process (offscreen document, popup tab, worker).");
  if (identical.includes(false)) process.exitCode = 1;
} finally {
  await Promise.all([host.close(), guests.close()]);
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
