/**
 * `npm run bench:transfer`: how fast a file crosses a PeerDial call on
 * loopback, and what it costs in memory. Two real Chromium processes with the
 * built extension call each other through the real server ("Send a file"),
 * one sends a 200 MB file (BENCH_SIZE_MB to change), the other accepts; the
 * clock runs from Accept to "verified and saved". Prints MB/s, the CPU each
 * side's browser spent per MB (all its processes, and the extension's renderer
 * alone, which holds the offscreen document), and the peak resident memory of
 * each side's extension process. First, the bare data channel's ceiling on
 * this machine at three chunk sizes, with the product's flow-control settings;
 * once more after the transfer at the product's chunk size, so the ratio is to
 * the ceiling measured around it.
 *
 * Figures are indicative: on a shared machine other work competes for the CPU,
 * which moves MB/s far more than CPU per MB (time spent waiting is not counted).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { BUFFER_HIGH_WATER, BUFFER_LOW_WATER, FILE_CHUNK_SIZE } from '../src/call/file-sender';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { myCode, waitForStatus } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { type CpuReading, cpuByKind, cpuByThread, cpuMs, extensionProcesses, readCpu, watchPeak } from './processes';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 200);
const SIZE = SIZE_MB * 1_000_000;
/** Enough bytes per sweep point to get past SCTP's slow start, few enough to keep the sweep short. */
const SWEEP_BYTES = 64 * 1024 * 1024;
const SWEEP_CHUNKS = [16 * 1024, 64 * 1024, 256 * 1024];

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);
/** CPU milliseconds per MB moved. */
const perMb = (ms: number, bytes: number) => (ms / (bytes / 1_000_000)).toFixed(1);

/** One side's CPU per MB between two readings: the whole browser, then by process kind. */
function cpuPerMbByKind(before: CpuReading, after: CpuReading, bytes: number): string {
  const byKind = Object.entries(cpuByKind(before, after)).filter(([, ms]) => ms > 0);
  const total = byKind.reduce((sum, [, ms]) => sum + ms, 0);
  return `${perMb(total, bytes)} (${byKind.map(([kind, ms]) => `${kind} ${perMb(ms, bytes)}`).join(', ')})`;
}

/** One side's busiest threads between two readings (BENCH_THREADS=1), CPU per MB. */
function busiestThreads(before: CpuReading, after: CpuReading, bytes: number): string {
  const busiest = Object.entries(cpuByThread(before, after)).sort(([, a], [, b]) => b - a).slice(0, 8);
  return busiest.map(([name, ms]) => `${name} ${perMb(ms, bytes)}`).join('; ');
}

async function writeRandomFile(path: string, size: number): Promise<string> {
  const file = await open(path, 'w');
  const hash = createHash('sha256');
  for (let written = 0; written < size; ) {
    const piece = randomBytes(Math.min(8 * 1024 * 1024, size - written));
    hash.update(piece);
    await file.write(piece);
    written += piece.length;
  }
  await file.close();
  return hash.digest('hex');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Two peer connections in one extension page: the data channel alone, no disk, no hashing. MB/s, and
 * the CPU the browser's processes (`pids`) spent per MB, both ends together. */
async function bareChannel(page: Page, pids: number[], chunk: number): Promise<{ rate: string; cpu: string; bytesPerSecond: number }> {
  const before = await cpuMs(pids);
  const bytesPerSecond = await page.evaluate(
    async ({ chunk, total, high, low }) => {
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      a.onicecandidate = ({ candidate }) => void (candidate && b.addIceCandidate(candidate));
      b.onicecandidate = ({ candidate }) => void (candidate && a.addIceCandidate(candidate));
      const channel = a.createDataChannel('bench');
      channel.binaryType = 'arraybuffer';
      channel.bufferedAmountLowThreshold = low;
      let received = 0;
      const finished = new Promise<number>((resolve) => {
        b.ondatachannel = ({ channel: incoming }) => {
          incoming.binaryType = 'arraybuffer';
          incoming.onmessage = ({ data }) => {
            received += (data as ArrayBuffer).byteLength;
            if (received >= total) resolve(performance.now());
          };
        };
      });
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription!);
      await new Promise((resolve) => (channel.onopen = resolve));
      const bytes = new Uint8Array(chunk);
      const start = performance.now();
      for (let sent = 0; sent < total; ) {
        if (channel.bufferedAmount > high) {
          await new Promise((resolve) => (channel.onbufferedamountlow = resolve));
          continue;
        }
        channel.send(bytes);
        sent += chunk;
      }
      const end = await finished;
      a.close();
      b.close();
      return total / ((end - start) / 1000);
    },
    { chunk, total: SWEEP_BYTES, high: BUFFER_HIGH_WATER, low: BUFFER_LOW_WATER },
  );
  return { rate: mb(bytesPerSecond), cpu: perMb((await cpuMs(pids)) - before, SWEEP_BYTES), bytesPerSecond };
}

/**
 * The bare data channel between the two browsers of the transfer, one page in each: the same topology as
 * the transfer (each end's packets through its own browser's network service), without the product. Signaled
 * by this script with every candidate gathered first. MB/s, and the CPU both browsers spent per MB, together
 * and each side's by process kind (and busiest threads with BENCH_THREADS=1).
 */
async function bareChannelBetween(
  sender: Page,
  receiver: Page,
  [senderPids, receiverPids]: [number[], number[]],
  chunk: number,
): Promise<{ rate: string; cpu: string; bytesPerSecond: number; sides: string[] }> {
  type Bench = { pc: RTCPeerConnection; channel?: RTCDataChannel; done?: Promise<number> };
  const offer = await sender.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('bench');
    (globalThis as unknown as { bench: Bench }).bench = { pc, channel };
    await pc.setLocalDescription();
    while (pc.iceGatheringState !== 'complete') await new Promise((resolve) => (pc.onicegatheringstatechange = resolve));
    return pc.localDescription!.toJSON();
  });
  const answer = await receiver.evaluate(
    async ({ offer, total }) => {
      const pc = new RTCPeerConnection();
      const done = new Promise<number>((resolve) => {
        pc.ondatachannel = ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          let received = 0;
          channel.onmessage = ({ data }) => {
            received += (data as ArrayBuffer).byteLength;
            if (received >= total) resolve(Date.now());
          };
        };
      });
      (globalThis as unknown as { bench: Bench }).bench = { pc, done };
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription();
      while (pc.iceGatheringState !== 'complete') await new Promise((resolve) => (pc.onicegatheringstatechange = resolve));
      return pc.localDescription!.toJSON();
    },
    { offer, total: SWEEP_BYTES },
  );
  await sender.evaluate(async (answer) => {
    const { pc, channel } = (globalThis as unknown as { bench: Bench }).bench;
    await pc.setRemoteDescription(answer);
    if (channel!.readyState !== 'open') await new Promise((resolve) => (channel!.onopen = resolve));
  }, answer);
  const threads = Boolean(process.env.BENCH_THREADS);
  const before = await Promise.all([readCpu(senderPids, threads), readCpu(receiverPids, threads)]);
  const start = await sender.evaluate(
    async ({ chunk, total, high, low }) => {
      const channel = (globalThis as unknown as { bench: Bench }).bench.channel!;
      channel.bufferedAmountLowThreshold = low;
      const bytes = new Uint8Array(chunk);
      const started = Date.now();
      for (let sent = 0; sent < total; ) {
        if (channel.bufferedAmount > high) {
          await new Promise((resolve) => (channel.onbufferedamountlow = resolve));
          continue;
        }
        channel.send(bytes);
        sent += chunk;
      }
      return started;
    },
    { chunk, total: SWEEP_BYTES, high: BUFFER_HIGH_WATER, low: BUFFER_LOW_WATER },
  );
  const end = await receiver.evaluate(() => (globalThis as unknown as { bench: Bench }).bench.done!);
  const after = await Promise.all([readCpu(senderPids, threads), readCpu(receiverPids, threads)]);
  for (const page of [sender, receiver]) await page.evaluate(() => (globalThis as unknown as { bench: Bench }).bench.pc.close());
  const spent = after.reduce((sum, reading, i) => sum + Object.values(cpuByKind(before[i]!, reading)).reduce((a, b) => a + b, 0), 0);
  const sides = after.map((reading, i) => cpuPerMbByKind(before[i]!, reading, SWEEP_BYTES) + (threads ? `; threads: ${busiestThreads(before[i]!, reading, SWEEP_BYTES)}` : ''));
  const bytesPerSecond = SWEEP_BYTES / ((end - start) / 1000);
  return { rate: mb(bytesPerSecond), cpu: perMb(spent, SWEEP_BYTES), bytesPerSecond, sides };
}

/**
 * When the transfer row named `name` first reads `pattern`, by the clock of this machine (Date.now). Watched
 * from inside the page with a MutationObserver: polling the popup from here every few ms would itself cost
 * the extension's renderer CPU per MB and count against the transfer.
 */
async function when(page: Page, name: string, pattern: RegExp): Promise<number> {
  return page.evaluate(
    ({ name, source, flags }) =>
      new Promise<number>((resolve, reject) => {
        const wanted = new RegExp(source, flags);
        // No named functions in here: tsx would wrap them in a helper the page does not have.
        new MutationObserver((_records, observer) => {
          const text = document.querySelector(`li[aria-label="${CSS.escape(name)}"]`)?.textContent ?? '';
          if (wanted.test(text)) resolve(Date.now());
          else if (/Failed|Cancelled/.test(text)) reject(new Error(`${name}: ${text}`));
          else return;
          observer.disconnect();
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        // A first look, through the observer: what the row reads already.
        document.body.dataset.watched = name;
      }),
    { name, source: pattern.source, flags: pattern.flags },
  );
}

const work = await mkdtemp(join(tmpdir(), 'peerdial-bench-'));
const server = await startServer();
const [alice, bob] = await Promise.all([launchExtensionBrowser({ fakeMedia: false }), launchExtensionBrowser({ fakeMedia: false, downloadsPath: join(work, 'downloads') })]);
try {
  const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);

  const aliceAll = await alice.processes();
  const ceilings: number[] = [];
  console.log(`Bare data channel on loopback (two peer connections in one page), ${mb(SWEEP_BYTES)} MB each:`);
  console.log('| chunk | MB/s | CPU ms per MB (both ends) |\n| ---: | ---: | ---: |');
  for (const chunk of SWEEP_CHUNKS) {
    const bare = await bareChannel(alicePopup, aliceAll, chunk);
    ceilings.push(bare.bytesPerSecond);
    console.log(`| ${chunk / 1024} KiB | ${bare.rate} | ${bare.cpu} |`);
  }
  const bobAll = await bob.processes();
  const between = [await bareChannelBetween(alicePopup, bobPopup, [aliceAll, bobAll], FILE_CHUNK_SIZE)];
  console.log(`\nBare data channel between the two browsers, ${mb(SWEEP_BYTES)} MB, ${FILE_CHUNK_SIZE / 1024} KiB chunks: ${between[0]!.rate} MB/s, ${between[0]!.cpu} CPU ms per MB (both browsers)`);
  console.log(`- sender CPU ms per MB: ${between[0]!.sides[0]}\n- receiver CPU ms per MB: ${between[0]!.sides[1]}`);

  const path = join(work, 'bench.bin');
  const sent = await writeRandomFile(path, SIZE);
  await alicePopup.getByLabel('Call code').fill(await myCode(bobPopup));
  await alicePopup.getByRole('button', { name: 'Send a file' }).click();
  await waitForStatus(bobPopup, /Incoming call/);
  await bobPopup.getByRole('button', { name: 'Accept' }).click();
  await Promise.all([waitForStatus(alicePopup, /In call with/, 30_000), waitForStatus(bobPopup, /In call with/, 30_000)]);

  const [alicePids, bobPids] = await Promise.all([extensionProcesses(alice), extensionProcesses(bob)]);
  await alicePopup.getByLabel('Send files').setInputFiles(path);
  await bobPopup.getByRole('button', { name: 'Accept bench.bin' }).waitFor();
  const [aliceMemory, bobMemory] = [watchPeak(alicePids), watchPeak(bobPids)];
  const [aliceBase, bobBase] = await Promise.all([aliceMemory.baseline, bobMemory.baseline]);

  const threads = Boolean(process.env.BENCH_THREADS);
  const cpuBefore = await Promise.all([readCpu(aliceAll, threads), readCpu(bobAll, threads)]);
  const start = Date.now();
  await bobPopup.getByRole('button', { name: 'Accept bench.bin' }).click();
  const [senderDone, receiverDone] = await Promise.all([
    when(alicePopup, 'Sending bench.bin', /sent and verified/),
    when(bobPopup, 'Receiving bench.bin', /verified and saved/),
  ]);
  const [alicePeak, bobPeak] = await Promise.all([aliceMemory.stop(), bobMemory.stop()]);
  const cpuAfter = await Promise.all([readCpu(aliceAll, threads), readCpu(bobAll, threads)]);
  /** Where each side's CPU went, per MB, by process kind (the extension's renderer holds the offscreen document). */
  const [aliceCpu, bobCpu] = cpuAfter.map((after, i) => cpuPerMbByKind(cpuBefore[i]!, after, SIZE));
  // A page of its own: under heavy load the popup of the call was once gone by now.
  const [aliceAfter, bobAfter] = await Promise.all([alice.reopenPopup(), bob.reopenPopup()]);
  const after = await bareChannel(aliceAfter, aliceAll, FILE_CHUNK_SIZE);
  between.push(await bareChannelBetween(aliceAfter, bobAfter, [aliceAll, bobAll], FILE_CHUNK_SIZE));

  const [item] = await bob.worker.evaluate(async () => (await chrome.downloads.search({})).map((d) => d.filename));
  const identical = item ? (await sha256File(item)) === sent : false;

  const rate = (end: number) => mb(SIZE / ((end - start) / 1000));
  const ceiling = Math.max(...ceilings, after.bytesPerSecond);
  const ceilingBetween = Math.max(...between.map((bare) => bare.bytesPerSecond));
  const savedRate = SIZE / ((receiverDone - start) / 1000);
  console.log(`\nPeerDial file transfer, ${SIZE_MB} MB, ${FILE_CHUNK_SIZE / 1024} KiB chunks, two browsers on loopback:`);
  console.log('| measure | value |\n| --- | ---: |');
  console.log(`| Accept → receiver verified and saved | ${((receiverDone - start) / 1000).toFixed(2)} s, ${rate(receiverDone)} MB/s |`);
  console.log(`| Accept → sender sees verified | ${((senderDone - start) / 1000).toFixed(2)} s, ${rate(senderDone)} MB/s |`);
  console.log(`| bare channel after it, ${FILE_CHUNK_SIZE / 1024} KiB chunks, in one page | ${after.rate} MB/s, ${after.cpu} CPU ms per MB |`);
  console.log(`| bare channel after it, between the two browsers | ${between[1]!.rate} MB/s, ${between[1]!.cpu} CPU ms per MB |`);
  console.log(`| saved rate ÷ best bare channel rate between the two browsers (before, after) | ${((savedRate / ceilingBetween) * 100).toFixed(0)} % |`);
  console.log(`| saved rate ÷ best bare channel rate in one page | ${((savedRate / ceiling) * 100).toFixed(0)} % |`);
  console.log(`| sender CPU ms per MB, whole browser (by process) | ${aliceCpu} |`);
  console.log(`| receiver CPU ms per MB, whole browser (by process) | ${bobCpu} |`);
  console.log(`| sender extension process RSS, before → peak | ${mb(aliceBase)} → ${mb(alicePeak)} MB (+${mb(alicePeak - aliceBase)}) |`);
  console.log(`| receiver extension process RSS, before → peak | ${mb(bobBase)} → ${mb(bobPeak)} MB (+${mb(bobPeak - bobBase)}) |`);
  console.log(`| saved file's SHA-256 equals the sent file's | ${identical ? 'yes' : 'NO'} |`);
  if (threads) {
    console.log('\nCPU ms per MB by thread (BENCH_THREADS=1), the busiest of each side:');
    for (const [side, i] of [['sender', 0], ['receiver', 1]] as const) {
      console.log(`- ${side}: ${busiestThreads(cpuBefore[i], cpuAfter[i], SIZE)}`);
    }
  }
  console.log('\nIndicative only: this machine is shared; RSS covers the whole extension process (offscreen document, popup tab, worker).');
  if (!identical) process.exitCode = 1;
} finally {
  await Promise.all([alice.close(), bob.close()]);
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
