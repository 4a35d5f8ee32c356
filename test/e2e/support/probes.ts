/** What a person would see, read from the real pages: status words, video frames, bytes on the wire. */
import type { Page, Worker } from 'playwright-core';

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

/** Bytes received over RTP so far, read from the offscreen document's peer connection. */
export function inboundBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const pc = (view as Window).peerdialStreams?.pc;
      if (!pc) continue;
      let total = 0;
      (await pc.getStats()).forEach((report: { type: string; bytesReceived?: number }) => {
        if (report.type === 'inbound-rtp') total += report.bytesReceived ?? 0;
      });
      return total;
    }
    return -1;
  });
}

/** Live capture tracks anywhere in the extension, as the camera light would show them. */
export function liveLocalTracks(page: Page): Promise<number> {
  return page.evaluate(() =>
    chrome.extension
      .getViews()
      .map((view) => (view as Window).peerdialStreams?.local.getTracks().filter((t) => t.readyState === 'live').length ?? 0)
      .reduce((a, b) => a + b, 0),
  );
}

export function offscreenDocuments(worker: Worker): Promise<number> {
  return worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] })).length);
}

/** The ICE username fragment of the peer's current description: it changes when an ICE restart completes. */
export function remoteIceUfrag(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    for (const view of chrome.extension.getViews()) {
      const sdp = (view as Window).peerdialStreams?.pc?.remoteDescription?.sdp;
      if (sdp) return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? null;
    }
    return null;
  });
}
