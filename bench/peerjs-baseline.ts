/**
 * The baseline, measured in the same run: two plain pages using PeerJS
 * against a local PeerJS server, the same Chromium and flags, media acquired
 * before each call as PeerJS apps do (and let go after it, so idle pages do
 * not load the machine while the other kinds of call are timed). Time from the callee's answer() to the
 * first remote frame on each side.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { PeerServer } from 'peer';
import { launchPlainChromium, processTree } from '../test/e2e/support/browser';
import { ACCEPT_AFTER_RING_MS, CPU_CALL_POLL_MS, type CallOptions, times } from './call-setup';
import { cpuAround, type CpuWindow, windowAfter } from './processes';
import { startDelayProxy } from './delay-proxy';
import { frameMarks, installHooks, PAGE_PRELUDE, type PageTimes } from './frame-timing';
import { pauseBetweenCalls, printProgress, relativeTo, type SetupSteps } from './stats';

export interface PeerJsSample {
  answerToCalleeFrame: number;
  answerToCallerFrame: number;
  /** The steps PeerDial's breakdown also has, read from the peer connections. */
  steps: SetupSteps;
  /** As PeerDial's, around answer(). */
  cpu?: CpuWindow;
}

/** A switch Chromium ignores, on both PeerJS browsers' command lines, so their processes can be found. */
const MARKER = '--peerdial-bench-peerjs-baseline';

const require = createRequire(import.meta.url);

/**
 * Across NATs (BENCH_NAT): the PeerJS server and its pages are served from this process on the lab's public
 * segment (`host`), the browsers run in the homes, and the pages use the same STUN and TURN as PeerDial's.
 */
export interface PeerJsNetwork {
  host: string;
  iceServers: RTCIceServer[];
  browser: (index: 0 | 1) => { executablePath: string; extraArgs: string[] };
}

function page(peerHost: string, peerPort: number, id: string, iceServers: RTCIceServer[]): string {
  return `<!doctype html><title>PeerJS ${id}</title>
<video aria-label="Remote video" autoplay playsinline muted width="320"></video>
<script>
  // Set-up marks named as PeerDial's (src/shared/setup-marks.ts), taken from every peer connection PeerJS makes.
  window.marks = {};
  const mark = (name) => { window.marks[name] ??= performance.timeOrigin + performance.now(); };
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (description, ...rest) {
    if (description?.type === 'answer') mark('answer-received');
    if (!this.marksWatched) {
      this.marksWatched = true;
      this.addEventListener('iceconnectionstatechange', () => this.iceConnectionState === 'connected' && mark('ice-connected'));
      this.addEventListener('connectionstatechange', () => this.connectionState === 'connected' && mark('connected'));
      this.addEventListener('track', ({ track }) => track.addEventListener('unmute', () => mark(track.kind === 'video' ? 'first-video' : 'first-audio'), { once: true }));
    }
    return setRemote.call(this, description, ...rest);
  };
</script>
<script src="/peerjs.min.js"></script>
<script>
  const video = document.querySelector('video');
  let current = null;
  const show = (call) => { current = call; call.on('stream', (s) => { video.srcObject = s; }); };
  let stream = null;
  // Before each call, as a PeerJS app holds its media before it dials or answers; let go at hang-up, so an idle page
  // holds no camera or microphone (their capture and echo cancellation) while the other kinds of call are timed.
  window.acquire = async () => { stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true }); };
  window.ready = (async () => {
    const peer = new Peer('${id}', { host: '${peerHost}', port: ${peerPort}, path: '/', secure: false, config: { iceServers: ${JSON.stringify(iceServers)} } });
    await new Promise((resolve) => peer.on('open', resolve));
    peer.on('call', (call) => { window.incoming = call; });
    window.callPeer = (other) => show(peer.call(other, stream));
    window.answer = () => { window.answeredAt = performance.timeOrigin + performance.now(); window.incoming.answer(stream); show(window.incoming); };
    window.hangUp = () => {
      current?.close(); current = null; window.incoming = null; video.srcObject = null; window.marks = {};
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = null;
    };
  })();
</script>`;
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

/** Two browsers with a PeerJS page each, media acquired, ready to call one another as often as asked; the server as far as PeerDial's. */
export async function startPeerJsBench(
  serverRoundTripMs: number,
  network?: PeerJsNetwork,
): Promise<{ call: (options?: CallOptions) => Promise<PeerJsSample>; close: () => Promise<void> }> {
  const host = network?.host ?? '127.0.0.1';
  // PeerServer hands its HTTP server to the callback once it listens.
  const peerServer = await new Promise<Server>((resolve) => PeerServer({ port: 0, host, path: '/' }, (server) => resolve(server)));
  const serverUrl = `http://${host}:${(peerServer.address() as { port: number }).port}`;
  const proxy = serverRoundTripMs > 0 ? await startDelayProxy(serverUrl, serverRoundTripMs) : undefined;
  const peerPort = Number(new URL(proxy?.url ?? serverUrl).port);
  const script = await readFile(require.resolve('peerjs/dist/peerjs.min.js'));
  const web = createServer((request, response) => {
    if (request.url === '/peerjs.min.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    const id = new URL(request.url!, 'http://x').searchParams.get('id')!;
    response.writeHead(200, { 'content-type': 'text/html' }).end(page(host, peerPort, id, network?.iceServers ?? []));
  });
  const webPort = await listen(web, host);
  const webOrigin = `http://${host}:${webPort}`;

  const browsers = await Promise.all(
    ([0, 1] as const).map((index) => {
      if (!network) return launchPlainChromium([MARKER]);
      const { executablePath, extraArgs } = network.browser(index);
      // Off loopback a plain http page is no secure context, and getUserMedia is not there without this.
      return launchPlainChromium([MARKER, ...extraArgs, `--unsafely-treat-insecure-origin-as-secure=${webOrigin}`], executablePath);
    }),
  );
  const close = async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    web.close();
    await proxy?.close();
    peerServer.close();
  };
  try {
    const [caller, callee] = (await Promise.all(
      browsers.map(async (browser, i) => {
        const tab = await browser.newPage();
        await tab.goto(`${webOrigin}/?id=bench-${i}`);
        await tab.evaluate(() => (window as unknown as { ready: Promise<void> }).ready);
        return tab;
      }),
    )) as [Page, Page];
    let made = 0;
    async function call({ measureCpu }: CallOptions = {}): Promise<PeerJsSample> {
      for (const tab of [caller, callee]) {
        await tab.evaluate(PAGE_PRELUDE);
        await tab.evaluate(installHooks, { videoLabel: 'Remote video', statusPatterns: [] });
        await tab.evaluate(() => (window as unknown as { acquire: () => Promise<void> }).acquire());
      }
      await caller.evaluate(() => (window as unknown as { callPeer: (id: string) => void }).callPeer('bench-1'));
      await callee.waitForFunction(() => Boolean((window as unknown as { incoming?: unknown }).incoming));
      await new Promise((r) => setTimeout(r, ACCEPT_AFTER_RING_MS));
      const answer = () => callee.evaluate(() => (window as unknown as { answer: () => void }).answer());
      let cpu: CpuWindow | undefined;
      let frames!: [PageTimes, PageTimes];
      if (measureCpu) {
        cpu = await cpuAround(await processTree(MARKER), answer, async () => (frames = await Promise.all([times(caller, CPU_CALL_POLL_MS), times(callee, CPU_CALL_POLL_MS)])));
      } else {
        await answer();
        frames = await Promise.all([times(caller), times(callee)]);
      }
      const [callerTimes, calleeTimes] = frames;
      const answeredAt = await callee.evaluate(() => (window as unknown as { answeredAt: number }).answeredAt);
      const steps = async (tab: Page, times: PageTimes) =>
        relativeTo({ ...(await tab.evaluate(() => (window as unknown as { marks: Record<string, number> }).marks)), ...frameMarks(times) }, answeredAt);
      const sample = {
        answerToCalleeFrame: calleeTimes.firstFrame! - answeredAt,
        answerToCallerFrame: callerTimes.firstFrame! - answeredAt,
        steps: { callee: await steps(callee, calleeTimes), caller: await steps(caller, callerTimes) },
        ...(cpu && { cpu: windowAfter(cpu, answeredAt) }),
      };
      printProgress(`PeerJS call ${++made}`, { answerToCalleeFrame: sample.answerToCalleeFrame, answerToCallerFrame: sample.answerToCallerFrame });
      for (const tab of [caller, callee]) await tab.evaluate(() => (window as unknown as { hangUp: () => void }).hangUp());
      await pauseBetweenCalls();
      return sample;
    }
    return { call, close };
  } catch (error) {
    await close();
    throw error;
  }
}
