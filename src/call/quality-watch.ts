/**
 * The call's connection quality, sampled here because this document owns the
 * peer connection: once a second while a call is connected, and not at all
 * otherwise (no call, no timer: the offscreen document lives only for calls,
 * and an idle extension should cost nothing). The worker hears the level only
 * when it changes, for the toolbar badge; the latest full reading stays on
 * this window for the side panel to borrow, as it borrows the streams.
 */
import { assessQuality, type QualityLevel, type StatEntry } from '../shared/call-quality';
import { type CallStreams, QUALITY_SAMPLED } from '../shared/call-streams';

/** getStats() rates are per second; sampling faster adds noise, slower makes a change take long to show. */
export const SAMPLE_INTERVAL_MS = 1000;

export function watchQuality(streams: CallStreams, onLevel: (level: QualityLevel) => void): () => void {
  let before: StatEntry[] = [];
  let beforePc: RTCPeerConnection | null = null;
  let reported: QualityLevel | null = null;
  let stopped = false;

  const sample = async () => {
    // The peer connection is replaced when a call restarts: read it afresh each time.
    const pc = streams.pc;
    if (!pc || pc.connectionState !== 'connected') {
      // While the path is down (or not up yet) there is nothing to measure: the panel says so, the badge keeps the last level.
      window.peerdialQuality = null;
      window.dispatchEvent(new Event(QUALITY_SAMPLED));
      return;
    }
    if (pc !== beforePc) [before, beforePc] = [[], pc];
    const now = [...(await pc.getStats()).values()] as StatEntry[];
    const receivingVideo = streams.remote.getVideoTracks().some((track) => track.readyState === 'live' && !track.muted);
    const quality = assessQuality(now, before, receivingVideo);
    before = now;
    if (stopped) return;
    window.peerdialQuality = quality;
    window.dispatchEvent(new Event(QUALITY_SAMPLED));
    if (quality.level !== reported) {
      reported = quality.level;
      onLevel(quality.level);
    }
  };

  const timer = setInterval(() => void sample().catch((error: unknown) => console.warn('[PeerDial] getStats failed', error)), SAMPLE_INTERVAL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    window.peerdialQuality = null;
    window.dispatchEvent(new Event(QUALITY_SAMPLED));
  };
}
