/**
 * A browser's processes as Linux sees them (/proc): resident memory and CPU
 * time. The offscreen document, the popup and the service worker of one
 * extension share one renderer process, so its RSS is an upper bound for the
 * offscreen document's memory, counting what the JS heap does not
 * (ArrayBuffers, Blob data, SCTP buffers).
 */
import { readFile } from 'node:fs/promises';
import type { ExtensionBrowser } from '../test/e2e/support/browser';

/** Linux reports CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

async function read(pid: number, file: string): Promise<string> {
  return readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
}

/** The renderer processes running the extension, among this browser's processes. */
export async function extensionProcesses(browser: ExtensionBrowser): Promise<number[]> {
  const pids = await browser.processes();
  // Chromium rewrites its children's command lines into one space-separated string.
  const cmdlines = await Promise.all(pids.map((pid) => read(pid, 'cmdline')));
  return pids.filter((_, i) => /(^|[\0 ])--extension-process([\0 ]|$)/.test(cmdlines[i]!));
}

/** Resident set size in bytes, summed over the given processes. */
export async function residentBytes(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const match = /VmRSS:\s+(\d+) kB/.exec(await read(pid, 'status'));
    if (match) total += Number(match[1]) * 1024;
  }
  return total;
}

/** User plus system CPU time in milliseconds, summed over the given processes. */
export async function cpuMs(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await read(pid, 'stat');
    // The command name in field 2 may hold spaces: count fields from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** Samples the peak resident memory of a set of processes until stopped. */
export function watchPeak(pids: number[], intervalMs = 100): { baseline: Promise<number>; stop(): Promise<number> } {
  let peak = 0;
  const baseline = residentBytes(pids).then((bytes) => (peak = bytes));
  const timer = setInterval(() => void residentBytes(pids).then((bytes) => (peak = Math.max(peak, bytes))), intervalMs);
  return {
    baseline,
    async stop() {
      clearInterval(timer);
      return Math.max(peak, await residentBytes(pids));
    },
  };
}
