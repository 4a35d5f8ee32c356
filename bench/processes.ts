/**
 * A browser's processes as Linux sees them (/proc): resident memory and CPU
 * time. The offscreen document, the popup and the service worker of one
 * extension share one renderer process, so its RSS is an upper bound for the
 * offscreen document's memory, counting what the JS heap does not
 * (ArrayBuffers, Blob data, SCTP buffers).
 */
import { readdir, readFile } from 'node:fs/promises';
import type { ExtensionBrowser } from '../test/e2e/support/browser';

/** Linux reports CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

async function read(pid: number, file: string): Promise<string> {
  return readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
}

/** The renderer processes running the extension, among this browser's processes. */
export async function extensionProcesses(browser: ExtensionBrowser): Promise<number[]> {
  const pids = await browser.processes();
  const cmdlines = await Promise.all(pids.map((pid) => read(pid, 'cmdline')));
  return pids.filter((_, i) => processKind(cmdlines[i]!) === 'extension renderer');
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
export function watchPeak(pids: number[], intervalMs = 100): { baseline: Promise<number>; stop: () => Promise<number> } {
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

/**
 * What a browser's process does, from its command line: the browser itself, a renderer (the extension's told
 * apart), the GPU process, or a utility service by name (network, audio, video_capture…). Firefox's children say
 * their kind last after `-contentproc`: tab (web pages), socket (networking), rdd (media decoding), utility, forkserver.
 */
export function processKind(cmdline: string): string {
  // Chromium rewrites its children's command lines into one space-separated string.
  const args = cmdline.split(/[\0 ]/);
  if (args.includes('-contentproc')) return `firefox ${args.filter(Boolean).at(-1)}`;
  const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
  if (!type) return 'browser';
  if (type === 'renderer') return args.includes('--extension-process') ? 'extension renderer' : 'renderer';
  if (type === 'utility') return (args.find((arg) => arg.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length) ?? 'utility').split('.')[0]!;
  return type;
}

export type CpuReading = Map<number, { kind: string; ms: number; threads?: Map<number, { name: string; ms: number }> }>;

/** Chromium numbers its pool threads (ThreadPoolForeg, VideoEncoder1…): one name per kind of thread. */
const threadName = (comm: string) => comm.replace(/\d+$/, '');

/** Each live thread of a process, by thread id: its name and CPU time so far. */
async function readThreads(pid: number): Promise<Map<number, { name: string; ms: number }>> {
  const threads = new Map<number, { name: string; ms: number }>();
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  await Promise.all(
    tids.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
      if (!stat) return;
      const name = threadName(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { name, ms: ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1000) / CLOCK_TICKS_PER_S });
    }),
  );
  return threads;
}

/** Each process's user plus system CPU time so far, with its kind (threads that have ended included); with `threads`, each thread's too. */
export async function readCpu(pids: number[], threads = false): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  await Promise.all(
    pids.map(async (pid) =>
      reading.set(pid, { kind: processKind(await read(pid, 'cmdline')), ms: await cpuMs([pid]), ...(threads && { threads: await readThreads(pid) }) }),
    ),
  );
  return reading;
}

/** CPU milliseconds spent between two readings by thread, named `process kind: thread name`; a thread that started or ended between them is left out. */
export function cpuByThread(before: CpuReading, after: CpuReading): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [pid, { kind, threads }] of after) {
    const start = before.get(pid)?.threads;
    for (const [tid, { name, ms }] of threads ?? []) {
      const was = start?.get(tid);
      if (!was) continue;
      const key = `${kind}: ${name}`;
      spent[key] = (spent[key] ?? 0) + ms - was.ms;
    }
  }
  return spent;
}

/** CPU milliseconds spent between two readings, by process kind; a process that ended between them is left out. */
export function cpuByKind(before: CpuReading, after: CpuReading): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [pid, { kind, ms }] of after) {
    const start = before.get(pid);
    if (start) spent[kind] = (spent[kind] ?? 0) + ms - start.ms;
  }
  return spent;
}

export interface CpuWindow {
  /** CPU milliseconds by process kind, all the given processes together. */
  byKind: Record<string, number>;
  /** With BENCH_THREADS=1: CPU milliseconds by `process kind: thread name`. */
  byThread?: Record<string, number>;
  /** Wall-clock times of the two readings. */
  from: number;
  to: number;
}

/**
 * The CPU `pids` use from just before `act` until `settled` resolves (the
 * call benches: both first frames on screen). Linux counts CPU time in 10 ms
 * ticks: one window is a rough sample, a mean over several is the figure.
 */
export async function cpuAround(pids: number[], act: () => Promise<unknown>, settled: () => Promise<unknown>): Promise<CpuWindow> {
  const threads = Boolean(process.env.BENCH_THREADS);
  const before = await readCpu(pids, threads);
  const from = Date.now();
  await act();
  await settled();
  const after = await readCpu(pids, threads);
  return { byKind: cpuByKind(before, after), ...(threads && { byThread: cpuByThread(before, after) }), from, to: Date.now() };
}

/** The window with its ends in ms after `moment` (the Accept, or PeerJS's answer()) instead of wall-clock times. */
export function windowAfter(window: CpuWindow, moment: number): CpuWindow {
  return { ...window, from: window.from - moment, to: window.to - moment };
}
