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
 * With BENCH_GUEST=chromium or firefox, the same between the extension and a
 * guest page instead, both ways (transfer-guest.ts).
 *
 * Figures are indicative: on a shared machine other work competes for the CPU,
 * which moves MB/s far more than CPU per MB (time spent waiting is not counted).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FILE_CHUNK_SIZE } from '../src/call/file-sender';
import { launchExtensionBrowser } from '../test/e2e/support/browser';
import { pageEvaluator } from '../test/e2e/support/chromium-guest';
import { myCode, waitForStatus } from '../test/e2e/support/probes';
import { startServer } from '../test/e2e/support/server';
import { sha256File } from '../test/e2e/support/transfers';
import { cpuMs, extensionProcesses, readCpu, watchPeak } from './processes';
import { bareChannelBetween, type BenchChannel, benchSend, busiestThreads, cpuPerMbByKind, mb, perMb, SIZE, SIZE_MB, sendOnBenchChannel, SWEEP_BYTES, THREADS, when, writeRandomFile } from './transfer-common';

const SWEEP_CHUNKS = [16 * 1024, 64 * 1024, 256 * 1024];

/** Two peer connections in one extension page: the data channel alone, no disk, no hashing. MB/s, and
 * the CPU the browser's processes (`pids`) spent per MB, both ends together. */
async function bareChannel(page: Page, pids: number[], chunk: number): Promise<{ rate: string; cpu: string; bytesPerSecond: number }> {
  const before = await cpuMs(pids);
  await page.evaluate(async (total) => {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = ({ candidate }) => void (candidate && b.addIceCandidate(candidate));
    b.onicecandidate = ({ candidate }) => void (candidate && a.addIceCandidate(candidate));
    const channel = a.createDataChannel('bench');
    let received = 0;
    const done = new Promise<number>((resolve) => {
      b.ondatachannel = ({ channel: incoming }) => {
        incoming.binaryType = 'arraybuffer';
        incoming.onmessage = ({ data }) => {
          received += (data as ArrayBuffer).byteLength;
          if (received >= total) resolve(Date.now());
        };
      };
    });
    (globalThis as unknown as { bench: BenchChannel }).bench = { pc: a, channel, done, peer: b };
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await new Promise((resolve) => (channel.onopen = resolve));
  }, SWEEP_BYTES);
  const start = await page.evaluate(sendOnBenchChannel, benchSend(chunk));
  const end = await page.evaluate(async () => {
    const { pc, peer, done } = (globalThis as unknown as { bench: BenchChannel }).bench;
    const end = await done!;
    pc.close();
    peer!.close();
    return end;
  });
  const bytesPerSecond = SWEEP_BYTES / ((end - start) / 1000);
  return { rate: mb(bytesPerSecond), cpu: perMb((await cpuMs(pids)) - before, SWEEP_BYTES), bytesPerSecond };
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
  const between = [await bareChannelBetween(pageEvaluator(alicePopup), pageEvaluator(bobPopup), [aliceAll, bobAll], FILE_CHUNK_SIZE)];
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

  const cpuBefore = await Promise.all([readCpu(aliceAll, THREADS), readCpu(bobAll, THREADS)]);
  const start = Date.now();
  await bobPopup.getByRole('button', { name: 'Accept bench.bin' }).click();
  const [senderDone, receiverDone] = await Promise.all([
    when(pageEvaluator(alicePopup), 'Sending bench.bin', /sent and verified/),
    when(pageEvaluator(bobPopup), 'Receiving bench.bin', /verified and saved/),
  ]);
  const [alicePeak, bobPeak] = await Promise.all([aliceMemory.stop(), bobMemory.stop()]);
  const cpuAfter = await Promise.all([readCpu(aliceAll, THREADS), readCpu(bobAll, THREADS)]);
  /** Where each side's CPU went, per MB, by process kind (the extension's renderer holds the offscreen document). */
  const [aliceCpu, bobCpu] = cpuAfter.map((after, i) => cpuPerMbByKind(cpuBefore[i]!, after, SIZE));
  // A page of its own: under heavy load the popup of the call was once gone by now.
  const [aliceAfter, bobAfter] = await Promise.all([alice.reopenPopup(), bob.reopenPopup()]);
  const after = await bareChannel(aliceAfter, aliceAll, FILE_CHUNK_SIZE);
  between.push(await bareChannelBetween(pageEvaluator(aliceAfter), pageEvaluator(bobAfter), [aliceAll, bobAll], FILE_CHUNK_SIZE));

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
  if (THREADS) {
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
