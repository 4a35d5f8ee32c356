/**
 * The offscreen document's streams as visible pages see them (through
 * chrome.extension.getViews()): it owns the tracks, they only render them.
 */
export interface CallStreams {
  local: MediaStream;
  remote: MediaStream;
  pc: RTCPeerConnection | null;
}

/** Dispatched on the offscreen window whenever a track comes or goes. */
export const STREAMS_CHANGED = 'peerdial-streams';

declare global {
  interface Window {
    peerdialStreams?: CallStreams;
  }
}
