/**
 * The offscreen document's streams as visible pages see them (through
 * chrome.extension.getViews()): it owns the tracks, they only render them.
 */
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

declare global {
  interface Window {
    peerdialStreams?: CallStreams;
    /** Set by the offscreen document: sends a capture made by another PeerDial page as the call's share. */
    peerdialShareStream?: (stream: MediaStream) => Promise<void>;
  }
}
