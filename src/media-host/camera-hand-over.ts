/**
 * Which track the camera's sender carries while a call sets up: a camera
 * sent before the other side is connecting gets a stand-in
 * (camera-stand-in.ts), which hands the sender back to the camera shortly
 * after the call connects. A camera that starts later (a callee who accepted
 * without the preview) is sent itself: a stand-in's worker would not have a
 * picture ready by the time the transport is.
 */
import { type CameraStandIn, standInForCamera } from './camera-stand-in';

export interface CameraHandOver {
  /** The track to put on a sender for `track` (the engine's LocalMedia.trackToSend). */
  trackToSend: (track: MediaStreamTrack, pc: RTCPeerConnection) => MediaStreamTrack;
  /** The camera a sent track stands in for, if it is the stand-in. */
  standsInFor: (sent: MediaStreamTrack) => MediaStreamTrack | null;
  /** The other side is connecting: a caller has the answer, a callee has accepted. */
  connecting: () => void;
  /** The transport is up. */
  connected: () => void;
  /** The camera takes its sender back now; anything else about to touch that sender waits for this first. */
  end: () => Promise<void>;
}

export function handOverCamera(): CameraHandOver {
  let standIn: CameraStandIn | null = null;
  let connecting = false;

  return {
    trackToSend(track, pc) {
      if (track.kind !== 'video' || connecting || standIn) return track;
      standIn = standInForCamera(track, pc);
      return standIn?.track ?? track;
    },
    standsInFor: (sent) => (standIn && sent === standIn.track ? standIn.camera : null),
    connecting() {
      connecting = true;
      standIn?.hurry();
    },
    connected: () => standIn?.connected(),
    end() {
      const ending = standIn?.end() ?? Promise.resolve();
      standIn = null;
      return ending;
    },
  };
}
