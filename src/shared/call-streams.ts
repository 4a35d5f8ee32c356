/**
 * The offscreen document's streams as visible pages see them (through
 * chrome.extension.getViews()): it owns the tracks, they only render them.
 */
import type { Quality } from './call-quality';

export interface CallStreams {
  /** Our camera and microphone. */
  local: MediaStream;
  /** Their camera and microphone. */
  remote: MediaStream;
  /** What we share (a tab or screen, with its sound); its id is announced so the other side can tell it from the camera. */
  localShare: MediaStream;
  /** What they share, shown large while it lasts. */
  remoteShare: MediaStream;
  pc: RTCPeerConnection | null;
  /** What the call's peer connection did, last lines first out (negotiation-trace.ts): read when a call did not connect. */
  trace: string[];
  /** File bytes this document has handed to data channels, every resend counted: what a resume saved shows here. */
  fileBytesSent: number;
}

/**
 * The offscreen document posts on this BroadcastChannel whenever a track comes
 * or goes, and once when it loads: a page that found no streams yet (a caller's
 * popup opened before the document) looks again then.
 */
export const STREAMS_CHANNEL = 'peerdial-streams';
/** Dispatched on the offscreen window after each quality sample (once a second during a call). */
export const QUALITY_SAMPLED = 'peerdial-quality';

declare global {
  interface Window {
    peerdialStreams?: CallStreams;
    /** The offscreen document's latest quality reading; null outside a connected call. */
    peerdialQuality?: Quality | null;
    /** Set by the offscreen document: sends a capture made by another PeerDial page as the call's share. */
    peerdialShareStream?: (stream: MediaStream) => Promise<void>;
  }
}
