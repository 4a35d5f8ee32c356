/** What a person would see, read from the real pages: status words, video frames, bytes on the wire. */
import type { Page, Worker } from 'playwright-core';
import { onTestFailed, onTestFinished } from 'vitest';

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function statusText(page: Page): Promise<string> {
  return page.getByRole('status').first().innerText();
}

export function waitForStatus(page: Page, pattern: RegExp, timeoutMs?: number): Promise<string> {
  return eventually(() => statusText(page), (text) => pattern.test(text), `status ${pattern}`, timeoutMs);
}

/** The text of the newest entry under "Recent calls", once it matches. */
export function newestRecentCall(popup: Page, pattern: RegExp): Promise<string> {
  const newest = popup.getByRole('list', { name: 'Recent calls' }).getByRole('listitem').first();
  return eventually(() => newest.innerText().catch(() => ''), (text) => pattern.test(text), `the newest recent call to read ${pattern}`);
}

export async function myCode(page: Page): Promise<string> {
  const code = page.getByLabel('Your code');
  return eventually(() => code.inputValue(), (text) => /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(text), 'own code');
}

export interface VideoSample {
  width: number;
  height: number;
  time: number;
}

export function sampleVideo(page: Page, label: string): Promise<VideoSample> {
  return page.getByLabel(label).evaluate((video: HTMLVideoElement) => ({
    width: video.videoWidth,
    height: video.videoHeight,
    time: video.currentTime,
  }));
}

/** A counter of the offscreen document's inbound RTP added up over its streams (of one kind, if given); -1 with no call. */
function inboundTotal(page: Page, counter: 'bytesReceived' | 'totalAudioEnergy', kind?: 'audio' | 'video'): Promise<number> {
  return page.evaluate(
    async ({ counter, kind }) => {
      for (const view of chrome.extension.getViews()) {
        const pc = view.peerdialStreams?.pc;
        if (!pc) continue;
        let total = 0;
        (await pc.getStats()).forEach((report: { type: string; kind?: string } & Partial<Record<typeof counter, number>>) => {
          if (report.type === 'inbound-rtp' && (!kind || report.kind === kind)) total += report[counter] ?? 0;
        });
        return total;
      }
      return -1;
    },
    { counter, kind },
  );
}

/** Bytes received over RTP so far, read from the offscreen document's peer connection. */
export const inboundBytes = (page: Page): Promise<number> => inboundTotal(page, 'bytesReceived');

/**
 * The sound energy received from the other side so far (inbound audio's totalAudioEnergy): above 0 once their
 * microphone (Chromium's fake one beeps) is heard, not merely connected.
 */
export const heardEnergy = (page: Page): Promise<number> => inboundTotal(page, 'totalAudioEnergy', 'audio');

/** Live capture tracks anywhere in the extension, as the camera light would show them. */
export function liveLocalTracks(page: Page): Promise<number> {
  return page.evaluate(() =>
    chrome.extension
      .getViews()
      .map((view) => view.peerdialStreams?.local.getTracks().filter((t) => t.readyState === 'live').length ?? 0)
      .reduce((a, b) => a + b, 0),
  );
}

export interface LocalMedia {
  /** Our live camera and microphone tracks, by kind and id. */
  live: { kind: string; id: string }[];
  /** How many of the peer connection's senders have a track: what could reach the other side once connected. */
  sending: number;
}

/** What the offscreen document captures, and how much of it its peer connection has been given. */
export function localMedia(page: Page): Promise<LocalMedia> {
  return page.evaluate(() => {
    const streams = chrome.extension
      .getViews()
      .map((view) => view.peerdialStreams)
      .find(Boolean);
    const live = (streams?.local.getTracks() ?? []).filter((t) => t.readyState === 'live').map(({ kind, id }) => ({ kind, id }));
    const sending = streams?.pc?.getSenders().filter((sender) => sender.track).length ?? 0;
    return { live, sending };
  });
}

export function offscreenDocuments(worker: Worker): Promise<number> {
  return worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length);
}

/** The ICE username fragment of our (local) or the peer's (remote) current description: it changes when an ICE restart completes. */
export function iceUfrag(page: Page, which: 'local' | 'remote'): Promise<string | null> {
  return page.evaluate((side) => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      const sdp = side === 'local' ? pc?.localDescription?.sdp : pc?.remoteDescription?.sdp;
      if (sdp) return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? null;
    }
    return null;
  }, which);
}

/** The colour at each point (fractions of width and height) of the frame a video element shows now. */
export function videoColours(page: Page, label: string, points: [number, number][]): Promise<[number, number, number][]> {
  return page.getByLabel(label).evaluate((video: HTMLVideoElement, at: [number, number][]) => {
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0);
    return at.map(([x, y]) => {
      const [r, g, b] = context.getImageData(Math.floor(x * canvas.width), Math.floor(y * canvas.height), 1, 1).data;
      return [r, g, b] as [number, number, number];
    });
  }, points);
}

export interface ShareReception {
  videoTracks: number;
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
  videoBytes: number;
  /** Sum of squared audio levels received on the shared stream's audio track so far (getStats totalAudioEnergy). */
  audioEnergy: number;
  audioLevel: number;
}

/** What arrives on the other side's shared stream, from the offscreen document's getStats. */
export function shareReception(page: Page): Promise<ShareReception | null> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const streams = view.peerdialStreams;
      if (!streams?.pc) continue;
      const video = streams.remoteShare.getVideoTracks()[0];
      const audio = streams.remoteShare.getAudioTracks()[0];
      const seen: ShareReception = { videoTracks: streams.remoteShare.getVideoTracks().length, frameWidth: 0, frameHeight: 0, framesPerSecond: 0, videoBytes: 0, audioEnergy: 0, audioLevel: 0 };
      (await streams.pc.getStats()).forEach((report: Record<string, unknown>) => {
        if (report.type !== 'inbound-rtp') return;
        if (video && report.trackIdentifier === video.id) {
          seen.frameWidth = Number(report.frameWidth ?? 0);
          seen.frameHeight = Number(report.frameHeight ?? 0);
          seen.framesPerSecond = Number(report.framesPerSecond ?? 0);
          seen.videoBytes = Number(report.bytesReceived ?? 0);
        }
        if (audio && report.trackIdentifier === audio.id) {
          seen.audioEnergy = Number(report.totalAudioEnergy ?? 0);
          seen.audioLevel = Number(report.audioLevel ?? 0);
        }
      });
      return seen;
    }
    return null;
  });
}

export interface SentCamera {
  label: string;
  deviceId: string;
  /** Frames of this track the peer connection has taken to encode (getStats media-source). */
  frames: number;
}

/** The camera the offscreen document sends now: its track on the peer connection, or null when none is sent. */
export function sentCamera(page: Page): Promise<SentCamera | null> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const streams = view.peerdialStreams;
      const pc = streams?.pc;
      if (!pc) continue;
      const track = streams.local.getVideoTracks()[0];
      if (!track || !pc.getSenders().some((sender) => sender.track === track)) return null;
      let frames = 0;
      (await pc.getStats()).forEach((report: { type: string; trackIdentifier?: string; frames?: number }) => {
        if (report.type === 'media-source' && report.trackIdentifier === track.id) frames = report.frames ?? 0;
      });
      return { label: track.label, deviceId: track.getSettings().deviceId ?? '', frames };
    }
    return null;
  });
}

/** Frames decoded so far from the other side's camera (not their share). */
export function cameraFramesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const streams = view.peerdialStreams;
      const track = streams?.remote.getVideoTracks()[0];
      if (!streams?.pc || !track) continue;
      let frames = 0;
      (await streams.pc.getStats()).forEach((report: { type: string; trackIdentifier?: string; framesDecoded?: number }) => {
        if (report.type === 'inbound-rtp' && report.trackIdentifier === track.id) frames = report.framesDecoded ?? 0;
      });
      return frames;
    }
    return -1;
  });
}

export interface PeerState {
  /** The type of each description applied, or null. */
  local: RTCSdpType | null;
  remote: RTCSdpType | null;
  /** Candidates of the other side this peer connection knows: their addresses are what must not leak early. */
  remoteCandidates: number;
  ice: RTCIceConnectionState;
  /** 'complete' once every local candidate is known: all this side could send exists. */
  gathering: RTCIceGatheringState;
}

/** The offscreen document's peer connection as it stands, or null when there is none. */
export function peerState(page: Page): Promise<PeerState | null> {
  return page.evaluate(async () => {
    const pc = chrome.extension
      .getViews()
      .map((view) => view.peerdialStreams?.pc)
      .find(Boolean);
    if (!pc || pc.signalingState === 'closed') return null;
    let remoteCandidates = 0;
    (await pc.getStats()).forEach((report: { type: string }) => {
      if (report.type === 'remote-candidate') remoteCandidates++;
    });
    return { local: pc.localDescription?.type ?? null, remote: pc.remoteDescription?.type ?? null, remoteCandidates, ice: pc.iceConnectionState, gathering: pc.iceGatheringState };
  });
}

/** The offscreen document's trace of its peer connection (src/call/negotiation-trace.ts), read through a page of the same extension. */
export function negotiationTrace(page: Page): Promise<string[]> {
  return page.evaluate(() => chrome.extension.getViews().flatMap((view) => view.peerdialStreams?.trace ?? []));
}

/**
 * When the running test fails, each party's last negotiation trace is printed: a call that did not connect says
 * why. Read every half second while the test runs, for the document holding it closes when the call ends.
 */
export function printTracesOnFailure(parties: Record<string, Page>): void {
  const last = new Map<string, string[]>();
  let running = true;
  const polling = (async () => {
    while (running) {
      for (const [name, page] of Object.entries(parties)) {
        const lines = await negotiationTrace(page).catch(() => []);
        if (lines.length > 0) last.set(name, lines);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const stop = () => {
    running = false;
    return polling;
  };
  onTestFinished(stop);
  onTestFailed(async () => {
    await stop();
    for (const name of Object.keys(parties)) console.log(`[trace] ${name}:\n  ${(last.get(name) ?? ['(nothing traced)']).join('\n  ')}`);
  });
}

export interface SelectedPair {
  local: string;
  remote: string;
  localAddress: string;
  /** Our relay's port on coturn: another port is another allocation. */
  localPort: number;
  /** Where our packets go: across a NAT, the far end's public address (or its relay's). */
  remoteAddress: string;
}

/** The candidate pair the offscreen document's peer connection is using now, read from getStats. */
export function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      if (!pc) continue;
      const reports = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((report: Record<string, unknown>) => reports.set(report.id as string, report));
      const transport = [...reports.values()].find((r) => r.type === 'transport' && r.selectedCandidatePairId);
      const pair = transport && reports.get(transport.selectedCandidatePairId as string);
      if (!pair || pair.state !== 'succeeded') return null;
      const local = reports.get(pair.localCandidateId as string);
      const remote = reports.get(pair.remoteCandidateId as string);
      return { local: String(local?.candidateType), remote: String(remote?.candidateType), localAddress: String(local?.address), localPort: Number(local?.port), remoteAddress: String(remote?.address) };
    }
    return null;
  });
}
