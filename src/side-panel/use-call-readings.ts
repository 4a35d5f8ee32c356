/**
 * Connection quality and the safety code, read once a second from the peer
 * connection the offscreen document owns (borrowed through getViews(), as the
 * streams are): the panel asks, it keeps nothing the call depends on.
 */
import { useEffect, useState } from 'preact/hooks';
import { assessQuality, type Quality, type StatEntry } from '../shared/call-quality';
import type { CallStreams } from '../shared/call-streams';
import { deriveSafetyCode } from '../shared/safety-code';

/** getStats() rates are per second; sampling faster adds noise, slower makes a change take long to show. */
const SAMPLE_INTERVAL_MS = 1000;

export interface CallReadings {
  quality: Quality | null;
  safetyCode: string | null;
}

export function useCallReadings(streams: CallStreams | null): CallReadings {
  const [readings, setReadings] = useState<CallReadings>({ quality: null, safetyCode: null });

  useEffect(() => {
    if (!streams) return;
    let before: StatEntry[] = [];
    let beforePc: RTCPeerConnection | null = null;
    let codeFor = '';
    let code: string | null = null;
    let stopped = false;

    const sample = async () => {
      // The offscreen document replaces the peer connection when a call restarts: read it afresh each time.
      const pc = streams.pc;
      if (!pc) return setReadings({ quality: null, safetyCode: null });
      if (pc !== beforePc) [before, beforePc] = [[], pc];
      const now = [...(await pc.getStats()).values()] as StatEntry[];
      const receivingVideo = streams.remote.getVideoTracks().some((track) => track.readyState === 'live' && !track.muted);
      const quality = assessQuality(now, before, receivingVideo);
      before = now;

      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      let safetyCode: string | null = null;
      if (local && remote) {
        // Derive again only when a renegotiation changed the descriptions.
        const key = `${local}\n${remote}`;
        if (key !== codeFor) [codeFor, code] = [key, await deriveSafetyCode(local, remote).catch(() => null)];
        safetyCode = code;
      }
      if (!stopped) setReadings({ quality, safetyCode });
    };

    void sample();
    const timer = setInterval(() => void sample().catch((error: unknown) => console.warn('[PeerDial] getStats failed', error)), SAMPLE_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [streams]);

  return readings;
}
