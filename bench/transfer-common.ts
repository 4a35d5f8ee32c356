/**
 * What the two transfer benchmarks share (transfer.ts between two extensions,
 * transfer-guest.ts between the extension and a guest page): the size, the
 * random file, the bare data channel between two browsers, CPU per MB, and
 * the clock on a transfer's row.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BUFFER_HIGH_WATER, BUFFER_LOW_WATER } from '../src/call/file-sender';
import type { GuestPage } from '../test/e2e/support/guest-page';
import { type CpuReading, cpuByKind, cpuByThread, readCpu } from './processes';

export const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 200);
export const SIZE = SIZE_MB * 1_000_000;
/** Enough bytes per sweep point to get past SCTP's slow start, few enough to keep the sweep short. */
export const SWEEP_BYTES = 64 * 1024 * 1024;
/** With BENCH_THREADS=1, each side's busiest threads too. */
export const THREADS = Boolean(process.env.BENCH_THREADS);

export const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);
/** CPU milliseconds per MB moved. */
export const perMb = (ms: number, bytes: number) => (ms / (bytes / 1_000_000)).toFixed(1);

/** BENCH_ROUNDS (default 1): how many times each transfer is made, each beside bare channel measures of its own. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS is "${process.env.BENCH_ROUNDS}": a whole number of rounds, 1 or more`);

export const percent = (fraction: number) => `${(fraction * 100).toFixed(0)} %`;

/** One side's CPU per MB between two readings: the whole browser, then by process kind. */
export function cpuPerMbByKind(before: CpuReading, after: CpuReading, bytes: number): string {
  const byKind = Object.entries(cpuByKind(before, after)).filter(([, ms]) => ms > 0);
  const total = byKind.reduce((sum, [, ms]) => sum + ms, 0);
  return `${perMb(total, bytes)} (${byKind.map(([kind, ms]) => `${kind} ${perMb(ms, bytes)}`).join(', ')})`;
}

/** CPU both browsers spent per MB between two readings of each, all their processes together. */
export function bothCpuPerMb(before: readonly CpuReading[], after: readonly CpuReading[], bytes: number): string {
  const spent = after.reduce((sum, reading, i) => sum + Object.values(cpuByKind(before[i]!, reading)).reduce((a, b) => a + b, 0), 0);
  return perMb(spent, bytes);
}

/** One side's busiest threads between two readings (BENCH_THREADS=1), CPU per MB. */
export function busiestThreads(before: CpuReading, after: CpuReading, bytes: number): string {
  const busiest = Object.entries(cpuByThread(before, after)).sort(([, a], [, b]) => b - a).slice(0, 8);
  return busiest.map(([name, ms]) => `${name} ${perMb(ms, bytes)}`).join('; ');
}

/** Writes `size` random bytes to `path`; returns their SHA-256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
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

/** A bare channel's state in its page, from one evaluate to the next: the sending end's connection and channel, the receiving end's, when the last byte arrived. */
export type BenchChannel = { pc: RTCPeerConnection; channel?: RTCDataChannel; done?: Promise<number>; peer?: RTCPeerConnection };

/** What sendOnBenchChannel sends; it runs in the page, so it gets the product's marks as values, not imports. */
export interface BenchSend {
  chunk: number;
  total: number;
  high: number;
  low: number;
}

/** `chunk`-byte messages of one sweep's worth, held between the product's flow-control marks. */
export const benchSend = (chunk: number): BenchSend => ({ chunk, total: SWEEP_BYTES, high: BUFFER_HIGH_WATER, low: BUFFER_LOW_WATER });

/**
 * Run in a page: sends `total` bytes on the page's bench channel in messages of `chunk` bytes, as fast as the
 * channel takes them and held between the product's flow-control marks. Returns when it started (Date.now()).
 */
export async function sendOnBenchChannel({ chunk, total, high, low }: BenchSend): Promise<number> {
  const channel = (globalThis as unknown as { bench: BenchChannel }).bench.channel!;
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
}

/** A page to run the bare channel in: a guest page, or an extension's page through pageEvaluator (support/chromium-guest.ts). */
export type BenchPage = Pick<GuestPage, 'evaluate'>;

/**
 * The bare data channel between two browsers, one page in each: the same topology as the transfer (each end's
 * packets through its own browser's network stack), without the product. Signaled by this script with every
 * candidate gathered first. MB/s, and the CPU both browsers spent per MB, together and each side's by process
 * kind (and busiest threads with BENCH_THREADS=1).
 */
export async function bareChannelBetween(
  sender: BenchPage,
  receiver: BenchPage,
  [senderPids, receiverPids]: [number[], number[]],
  chunk: number,
): Promise<{ rate: string; cpu: string; bytesPerSecond: number; sides: string[] }> {
  const offer = await sender.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('bench');
    (globalThis as unknown as { bench: BenchChannel }).bench = { pc, channel };
    await pc.setLocalDescription();
    while (pc.iceGatheringState !== 'complete') await new Promise((resolve) => (pc.onicegatheringstatechange = resolve));
    return pc.localDescription!.toJSON();
  }, null);
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
      (globalThis as unknown as { bench: BenchChannel }).bench = { pc, done };
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription();
      while (pc.iceGatheringState !== 'complete') await new Promise((resolve) => (pc.onicegatheringstatechange = resolve));
      return pc.localDescription!.toJSON();
    },
    { offer, total: SWEEP_BYTES },
  );
  await sender.evaluate(async (answer) => {
    const { pc, channel } = (globalThis as unknown as { bench: BenchChannel }).bench;
    await pc.setRemoteDescription(answer);
    if (channel!.readyState !== 'open') await new Promise((resolve) => (channel!.onopen = resolve));
  }, answer);
  const before = await Promise.all([readCpu(senderPids, THREADS), readCpu(receiverPids, THREADS)]);
  const start = await sender.evaluate(sendOnBenchChannel, benchSend(chunk));
  const end = await receiver.evaluate(() => (globalThis as unknown as { bench: BenchChannel }).bench.done!, null);
  const after = await Promise.all([readCpu(senderPids, THREADS), readCpu(receiverPids, THREADS)]);
  for (const page of [sender, receiver]) await page.evaluate(() => (globalThis as unknown as { bench: BenchChannel }).bench.pc.close(), null);
  const sides = after.map((reading, i) => cpuPerMbByKind(before[i]!, reading, SWEEP_BYTES) + (THREADS ? `; threads: ${busiestThreads(before[i]!, reading, SWEEP_BYTES)}` : ''));
  const bytesPerSecond = SWEEP_BYTES / ((end - start) / 1000);
  return { rate: mb(bytesPerSecond), cpu: bothCpuPerMb(before, after, SWEEP_BYTES), bytesPerSecond, sides };
}

/**
 * When the transfer row named `name` (such as "Receiving bench.bin") first reads `pattern`, by this machine's
 * clock (Date.now). Watched from inside the page with a MutationObserver: reading the row from here every few
 * ms would itself cost the measured browser CPU per MB (each read a round trip through its browser process into
 * the page). A row that says the transfer failed or was cancelled throws.
 */
export async function when(page: BenchPage, name: string, pattern: RegExp): Promise<number> {
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
