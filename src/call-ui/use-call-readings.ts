/**
 * Connection quality and the safety code, for the call view. The offscreen
 * document samples the quality (it owns the peer connection, and the toolbar
 * badge needs the level with the panel closed): the panel borrows its latest
 * reading from that window, as it borrows the streams, instead of running a
 * second getStats() loop. The safety code is derived here, from the
 * descriptions that connection actually used, whenever a sample arrives.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Quality } from '../shared/call-quality';
import { type CallStreams, QUALITY_SAMPLED } from '../shared/call-streams';
import { deriveSafetyCode } from '../call/safety-code';

export interface CallReadings {
  quality: Quality | null;
  safetyCode: string | null;
}

/** `owner` is the offscreen document's window, which holds `streams` and dispatches a QUALITY_SAMPLED event once a second during a call. */
export function useCallReadings(streams: CallStreams | null, owner: Window | null): CallReadings {
  const [readings, setReadings] = useState<CallReadings>({ quality: null, safetyCode: null });

  useEffect(() => {
    if (!streams || !owner) return;
    let codeFor = '';
    let code: string | null = null;
    let stopped = false;

    const read = async () => {
      const pc = streams.pc;
      const local = pc?.currentLocalDescription?.sdp;
      const remote = pc?.currentRemoteDescription?.sdp;
      let safetyCode: string | null = null;
      if (local && remote) {
        // Derive again only when a renegotiation changed the descriptions.
        const key = `${local}\n${remote}`;
        if (key !== codeFor) [codeFor, code] = [key, await deriveSafetyCode(local, remote).catch(() => null)];
        safetyCode = code;
      }
      if (!stopped) setReadings({ quality: owner.peerdialQuality ?? null, safetyCode });
    };

    const onSample = () => void read();
    void read();
    owner.addEventListener(QUALITY_SAMPLED, onSample);
    return () => {
      stopped = true;
      owner.removeEventListener(QUALITY_SAMPLED, onSample);
    };
  }, [streams, owner]);

  return readings;
}
