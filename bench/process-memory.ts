/**
 * Resident memory of a browser's extension process, read from /proc (Linux):
 * the offscreen document, the popup and the service worker of one extension
 * share one renderer process, so its RSS is an upper bound for the offscreen
 * document's memory, counting what the JS heap does not (ArrayBuffers, Blob
 * data, SCTP buffers).
 */
import { readFile, readdir } from 'node:fs/promises';

async function read(pid: string, file: string): Promise<string> {
  return readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
}

async function parentOf(pid: string): Promise<string | null> {
  const stat = await read(pid, 'stat');
  // The command name in field 2 may hold spaces; the parent id is the second field after it.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return after[1] ?? null;
}

/** The renderer processes running extensions under the browser started with this profile. */
export async function extensionProcesses(profile: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: string[] = [];
  for (const pid of pids) {
    // Chromium rewrites its children's command lines into one space-separated string.
    const cmdline = (await read(pid, 'cmdline')).split(/[\0 ]/);
    if (!cmdline.includes('--type=renderer') || !cmdline.includes('--extension-process')) continue;
    for (let ancestor: string | null = pid, hops = 0; ancestor && ancestor !== '1' && hops < 6; ancestor = await parentOf(ancestor), hops++) {
      if ((await read(ancestor, 'cmdline')).includes(`--user-data-dir=${profile}`)) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** Resident set size in bytes, summed over the given processes. */
export async function residentBytes(pids: string[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const match = /VmRSS:\s+(\d+) kB/.exec(await read(pid, 'status'));
    if (match) total += Number(match[1]) * 1024;
  }
  return total;
}

/** Samples the peak resident memory of a set of processes until stopped. */
export function watchPeak(pids: string[], intervalMs = 100): { baseline: Promise<number>; stop(): Promise<number> } {
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
