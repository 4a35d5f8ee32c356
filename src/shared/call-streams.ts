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
}

/** Dispatched on the offscreen window whenever a track comes or goes. */
export const STREAMS_CHANGED = 'peerdial-streams';
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
