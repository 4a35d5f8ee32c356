/**
 * What we share (a tab or a screen, with its sound), beside the camera. Its
 * stream id goes over the control channel before its tracks do, so the other
 * side knows the share when the tracks arrive; the tracks go on transceivers
 * of their own (share-sender.ts). A new share replaces the old one without a
 * gap: the old tracks stop only once the new ones are sent.
 */
import type { ControlFrame } from './data-frames';
import { createShareSender, type ShareSender } from './share-sender';

export interface SharingDeps {
  pc: RTCPeerConnection;
  /** What we share, as the host shows it: the tracks live here while they are sent. */
  localShare: MediaStream;
  sendControl: (frame: ControlFrame) => boolean;
  /** What we share ended by itself (its tab closed, the browser's own "Stop sharing"). */
  onEnded: () => void;
  log: (what: string, error: unknown) => void;
}

export interface Sharing {
  /** Tells the other side which stream is the share, or that there is none. */
  announce: () => void;
  /** Sends this capture as the share, replacing any before. */
  share: (stream: MediaStream) => Promise<void>;
  stop: () => Promise<void>;
  /** Stops the shared tracks without a word to the other side: the call is ending. */
  release: () => void;
  /** True for the senders the share uses, which the camera must leave alone. */
  owns: (sender: RTCRtpSender) => boolean;
}

export function startSharing({ pc, localShare, sendControl, onEnded, log }: SharingDeps): Sharing {
  let sender: ShareSender | null = null;

  function announce(): void {
    const sharing = localShare.getVideoTracks().length > 0;
    sendControl({ type: 'share', stream: sharing ? localShare.id : null });
  }

  function stopTracks(tracks: readonly MediaStreamTrack[]): void {
    for (const track of tracks) {
      track.onended = null;
      track.stop();
      localShare.removeTrack(track);
    }
  }

  return {
    announce,
    async share(stream) {
      const old = localShare.getTracks();
      for (const track of stream.getTracks()) {
        localShare.addTrack(track);
        // Closing the tab ends its tracks; so does the browser's own "Stop sharing". Navigating the tab to a chrome:// page does not.
        track.onended = () => {
          if (localShare.getTrackById(track.id)) onEnded();
        };
      }
      sender ??= createShareSender(pc, localShare, log);
      announce();
      await sender.send(stream);
      stopTracks(old);
    },
    async stop() {
      stopTracks(localShare.getTracks());
      announce();
      await sender?.stop();
    },
    release: () => stopTracks(localShare.getTracks()),
    owns: (candidate) => sender?.owns(candidate) ?? false,
  };
}
