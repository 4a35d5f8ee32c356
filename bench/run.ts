/**
 * `npm run bench`: call set-up against PeerJS in the same run (extension to
 * extension, and a guest page calling the extension), and the extension's
 * and the guest page's footprint. Prints Markdown tables and writes the figures as
 * JSON under bench/results/ for comparison across commits.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type CallSetupSample, startCallSetupBench } from './call-setup';
import { measureFootprint } from './footprint';
import { type GuestCallSample, startGuestCallBench } from './guest-call';
import { GUEST_JS_BUDGET_BYTES, measureGuestPageFootprint } from './guest-page-footprint';
import { type PeerJsSample, startPeerJsBench } from './peerjs-baseline';
import { runNatBench } from './nat-run';
import type { CpuWindow } from './processes';
import { printTable, round, type SetupSteps, summarize } from './stats';

const ROOT = resolve(import.meta.dirname, '..');

// BENCH_CPUS=1: the whole run (both browsers of each kind, both signaling servers, this script) on that many
// cores, as on a laptop with forty tabs open. A set-up that needs more CPU than PeerJS's wins only while CPU is
// spare; this shows whether it still wins where it is not. Children inherit the affinity taskset gives.
const PIN_CPUS = process.env.BENCH_CPUS ? Number(process.env.BENCH_CPUS) : undefined;
if (PIN_CPUS !== undefined && !process.env.BENCH_PINNED) {
  if (!Number.isInteger(PIN_CPUS) || PIN_CPUS < 1 || PIN_CPUS > cpus().length) throw new Error(`BENCH_CPUS must be a whole number from 1 to ${cpus().length}.`);
  const pinned = spawnSync('taskset', ['-c', `0-${PIN_CPUS - 1}`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(pinned.status ?? 1);
}
const CALLS = Number(process.env.BENCH_CALLS ?? 20);
if (process.env.BENCH_NAT) {
  await runNatBench(CALLS, ROOT);
  // Browsers and servers are closed; a keep-alive socket of the PeerJS server must not hold the command open.
  process.exit(0);
}
/** The signaling server's round trip from both browsers (ms): 0 is loopback; a server on the internet is tens of ms away. */
const SERVER_RTT_MS = Number(process.env.BENCH_SERVER_RTT_MS ?? 0);
/** Calls of each kind, after the timed ones, that read the CPU both browsers use from Accept until both first frames are on screen. */
const CPU_CALLS = Number(process.env.BENCH_CPU_CALLS ?? 10);
/** Popup opens, worker restarts and guest page loads for the footprint: enough that one slow open does not move the p50. */
const FOOTPRINT_SAMPLES = 15;
const chromiumVersion = execSync('/usr/bin/chromium --version 2>/dev/null').toString().trim();
const cores = PIN_CPUS ? `${cpus().length} × ${cpus()[0]?.model.trim()}, pinned to ${availableParallelism()} of them with taskset` : `${cpus().length} × ${cpus()[0]?.model.trim()}`;
const machine = `${cores}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${chromiumVersion}, Node ${process.version}`;
console.log(`PeerDial benchmark: ${CALLS} calls each, signaling server ${SERVER_RTT_MS ? `${SERVER_RTT_MS} ms round trip away` : 'on loopback'}, on ${machine}\n`);

execSync('npx vite build --logLevel warn', { cwd: ROOT, stdio: 'inherit' });
execSync('npx vite build --config vite.guest.config.ts --logLevel warn', { cwd: ROOT, stdio: 'inherit' });

// Interleaved, one call of each in turn: load from others on a shared machine then weighs on all alike.
const [peerdial, guestCalls, peerjs] = await Promise.all([startCallSetupBench(SERVER_RTT_MS), startGuestCallBench(SERVER_RTT_MS), startPeerJsBench(SERVER_RTT_MS)]);
const ours: CallSetupSample[] = [];
const guests: GuestCallSample[] = [];
const theirs: PeerJsSample[] = [];
const ourCpu: CpuWindow[] = [];
const theirCpu: CpuWindow[] = [];
try {
  for (let i = 0; i < CALLS; i++) {
    ours.push(await peerdial.call());
    guests.push(await guestCalls.call());
    theirs.push(await peerjs.call());
  }
  for (let i = 0; i < CPU_CALLS; i++) {
    ourCpu.push((await peerdial.call({ measureCpu: true })).cpu!);
    theirCpu.push((await peerjs.call({ measureCpu: true })).cpu!);
  }
} finally {
  await Promise.all([peerdial.close(), guestCalls.close(), peerjs.close()]);
}
const footprint = await measureFootprint(FOOTPRINT_SAMPLES);
const guestFootprint = await measureGuestPageFootprint(FOOTPRINT_SAMPLES);

const dialToRing = summarize(ours.map((s) => s.dialToRing));
const calleeFrame = summarize(ours.map((s) => s.acceptToCalleeFrame));
const callerFrame = summarize(ours.map((s) => s.acceptToCallerFrame));
const peerCallee = summarize(theirs.map((s) => s.answerToCalleeFrame));
const peerCaller = summarize(theirs.map((s) => s.answerToCallerFrame));
const callToHostRing = summarize(guests.map((s) => s.callToRing));
const hostFrame = summarize(guests.map((s) => s.acceptToHostFrame));
const guestFrame = summarize(guests.map((s) => s.acceptToGuestFrame));

console.log('\nCall set-up (ms, wall clock across the two browser processes)\n');
const setup = printTable(
  ['measure', 'PeerDial p50', 'PeerDial p95', 'PeerJS p50', 'PeerJS p95', 'ratio p50 (ours / PeerJS)'],
  [
    ['Accept → first remote frame, callee', calleeFrame.p50, calleeFrame.p95, peerCallee.p50, peerCallee.p95, round(calleeFrame.p50 / peerCallee.p50, 2)],
    ['Accept → first remote frame, caller', callerFrame.p50, callerFrame.p95, peerCaller.p50, peerCaller.p95, round(callerFrame.p50 / peerCaller.p50, 2)],
    ['guest call: Accept → first remote frame, host (extension, callee)', hostFrame.p50, hostFrame.p95, peerCallee.p50, peerCallee.p95, round(hostFrame.p50 / peerCallee.p50, 2)],
    ['guest call: Accept → first remote frame, guest page (caller)', guestFrame.p50, guestFrame.p95, peerCaller.p50, peerCaller.p95, round(guestFrame.p50 / peerCaller.p50, 2)],
    ['Dial → callee ringing', dialToRing.p50, dialToRing.p95, '—', '—', '—'],
    ['guest call: Call → host ringing', callToHostRing.p50, callToHostRing.p95, '—', '—', '—'],
  ],
);

console.log("\nWhere the time goes: each set-up step, ms from the callee's Accept (PeerJS: its answer()), p50; negative is while it rang\n");
const STEPS = ['accept-received', 'accept-sent', 'accept-taken', 'accepted-arrived', 'answer-arrived', 'camera-captured', 'captured', 'pc-created', 'offer-applied', 'answer-created', 'answer-sent', 'answer-received', 'ice-connected', 'connected', 'first-audio', 'first-video', 'frame-received', 'frame-submitted'];
const stepAt = (samples: { steps: SetupSteps }[], side: keyof SetupSteps, step: string) => {
  const values = samples.map((s) => s.steps[side][step]).filter((v): v is number => v !== undefined);
  return values.length ? summarize(values).p50 : '—';
};
const breakdown = printTable(
  ['step', 'callee', 'caller', 'guest call: host', 'guest call: guest', 'PeerJS callee', 'PeerJS caller'],
  [
    ...STEPS.map((step) => [
      step,
      stepAt(ours, 'callee', step),
      stepAt(ours, 'caller', step),
      stepAt(guests, 'callee', step),
      stepAt(guests, 'caller', step),
      stepAt(theirs, 'callee', step),
      stepAt(theirs, 'caller', step),
    ]),
    ['first frame on screen', calleeFrame.p50, callerFrame.p50, hostFrame.p50, guestFrame.p50, peerCallee.p50, peerCaller.p50],
  ],
);

let cpuTable = '';
if (CPU_CALLS > 0) {
  const edge = (windows: CpuWindow[], end: 'from' | 'to') => summarize(windows.map((w) => w[end])).p50;
  console.log(
    `\nCPU both browsers used from ${edge(ourCpu, 'from')} to ${edge(ourCpu, 'to')} ms after Accept (PeerJS: ${edge(theirCpu, 'from')} to ${edge(theirCpu, 'to')} ms after answer()), ms per call, mean of ${CPU_CALLS}; ${availableParallelism()} cores give ${availableParallelism()} ms of CPU per ms\n`,
  );
  const kinds = [...new Set([...ourCpu, ...theirCpu].flatMap((w) => Object.keys(w.byKind)))];
  const mean = (windows: CpuWindow[], kind?: string) =>
    round(windows.reduce((sum, w) => sum + (kind ? (w.byKind[kind] ?? 0) : Object.values(w.byKind).reduce((a, b) => a + b, 0)), 0) / windows.length);
  const rows = kinds.map((kind) => [kind, mean(ourCpu, kind), mean(theirCpu, kind)]).filter(([, a, b]) => Number(a) >= 0.5 || Number(b) >= 0.5);
  rows.sort((a, b) => Number(b[1]) - Number(a[1]));
  cpuTable = printTable(['process', 'PeerDial', 'PeerJS'], [...rows, ['all', mean(ourCpu), mean(theirCpu)]]);
  if (ourCpu[0]?.byThread) {
    console.log('\nThe same CPU by thread (BENCH_THREADS=1), ms per call, threads using 1 ms or more\n');
    const threads = [...new Set([...ourCpu, ...theirCpu].flatMap((w) => Object.keys(w.byThread ?? {})))];
    const threadMean = (windows: CpuWindow[], thread: string) => round(windows.reduce((sum, w) => sum + (w.byThread?.[thread] ?? 0), 0) / windows.length);
    const threadRows = threads.map((thread) => [thread, threadMean(ourCpu, thread), threadMean(theirCpu, thread)]).filter(([, a, b]) => Number(a) >= 1 || Number(b) >= 1);
    threadRows.sort((a, b) => Number(b[1]) - Number(a[1]));
    printTable(['process: thread', 'PeerDial', 'PeerJS'], threadRows);
  }
}

console.log('\nFootprint\n');
const renders = summarize(footprint.popupFirstRenderMs);
const noCode = summarize(footprint.noCodePageMs);
const liveViews = summarize(footprint.popupLiveViewMs);
const registers = summarize(footprint.workerStartToRegisteredMs);
const guestRenders = summarize(guestFootprint.firstRenderMs);
const guestReady = summarize(guestFootprint.readyToCallMs);
const sizes = printTable(
  ['measure', 'value'],
  [
    ['popup JS shipped (gzip)', `${round(footprint.popupJsGzipBytes / 1024)} KB`],
    ['popup open → first useful render, own code shown (p50 / p95)', `${renders.p50} / ${renders.p95} ms`],
    ['the same open of an extension page with no code, to its load: the floor (p50 / p95)', `${noCode.p50} / ${noCode.p95} ms`],
    ["popup open → the worker's live view rendered (p50 / p95)", `${liveViews.p50} / ${liveViews.p95} ms`],
    ['worker start → registered with the server (p50 / p95)', `${registers.p50} / ${registers.p95} ms`],
    ['extension JS heap during a call (worker, offscreen, popup)', `${round(footprint.callJsHeapBytes / 2 ** 20)} MB`],
    ['extension renderer RSS during a call', `${round(footprint.callExtensionRssBytes / 2 ** 20)} MB`],
    ['extension CPU while idle, per 10 s', `${footprint.idleCpuMsPer10s} ms`],
    ['guest page JS shipped (gzip, every script in dist-guest/assets)', `${round(guestFootprint.jsGzipBytes / 1024)} KB (budget ${GUEST_JS_BUDGET_BYTES / 1024} KB)`],
    ['guest page WebAssembly, fetched at its first file (gzip)', `${round(guestFootprint.wasmGzipBytes / 1024)} KB`],
    ['guest page load → first useful render, Call button painted (p50 / p95)', `${guestRenders.p50} / ${guestRenders.p95} ms`],
    ['guest page load → ready to call, Call enabled: registered (p50 / p95)', `${guestReady.p50} / ${guestReady.p95} ms`],
  ],
);

const results = join(ROOT, 'bench/results');
await mkdir(results, { recursive: true });
const file = join(results, `call-setup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ machine, pinnedCpus: PIN_CPUS, calls: CALLS, serverRoundTripMs: SERVER_RTT_MS, ours, guests, theirs, cpu: { ours: ourCpu, theirs: theirCpu }, footprint, guestFootprint, tables: { setup, breakdown, cpu: cpuTable, sizes } }, null, 2));
console.log(`\nFigures written to ${file}`);
// Browsers and servers are closed; a keep-alive socket of the PeerJS server must not hold the command open.
process.exit(0);
