/**
 * The call's connection quality, sampled where the peer connection is: once a
 * second while a call is connected, and not at all otherwise (no call, no
 * timer: an idle host should cost nothing). Every reading goes to the host
 * (the extension leaves it on the offscreen window for the side panel to
 * borrow); the level only when it changes (for the toolbar badge).
 */
import { assessQuality, type Quality, type QualityLevel, type StatEntry } from '../shared/call-quality';
import type { CallStreams } from '../shared/call-streams';

/** getStats() rates are per second; sampling faster adds noise, slower makes a change take long to show. */
export const SAMPLE_INTERVAL_MS = 1000;

export interface QualityWatchDeps {
  /** Each reading; null while there is nothing to measure. */
  onReading: (quality: Quality | null) => void;
  onLevel: (level: QualityLevel) => void;
}

export function watchQuality(streams: CallStreams, { onReading, onLevel }: QualityWatchDeps): () => void {
  let before: StatEntry[] = [];
  let beforePc: RTCPeerConnection | null = null;
  let reported: QualityLevel | null = null;
  let stopped = false;

  const sample = async () => {
    // The peer connection is replaced when a call restarts: read it afresh each time.
    const pc = streams.pc;
    if (!pc || pc.connectionState !== 'connected') {
      // While the path is down (or not up yet) there is nothing to measure: the panel says so, the badge keeps the last level.
      onReading(null);
      return;
    }
    if (pc !== beforePc) [before, beforePc] = [[], pc];
    const now = [...(await pc.getStats()).values()] as StatEntry[];
    const camera = streams.remote.getVideoTracks().find((track) => track.readyState === 'live' && !track.muted);
    const quality = assessQuality(now, before, camera !== undefined, camera?.id);
    before = now;
    if (stopped) return;
    onReading(quality);
    if (quality.level !== reported) {
      reported = quality.level;
      onLevel(quality.level);
    }
  };

  const timer = setInterval(() => void sample().catch((error: unknown) => console.warn('[PeerDial] getStats failed', error)), SAMPLE_INTERVAL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    onReading(null);
  };
}
