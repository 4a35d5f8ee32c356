/**
 * Our camera and microphone on the connection. The callee answers before its
 * camera is ready, so its tracks join the answered transceivers by
 * replaceTrack (no renegotiation); only a track with no such place is added,
 * which renegotiates. A camera turned off and on again takes the same
 * transceiver: the other side sees the picture return without renegotiation.
 */

export interface LocalTracksDeps {
  pc: RTCPeerConnection;
  /** Our camera and microphone (streams.local). */
  local: MediaStream;
  /** The share's senders, which the camera must leave alone. */
  isShare: (sender: RTCRtpSender) => boolean;
}

export interface LocalTracks {
  /** Puts every local track not yet sent on the connection. */
  attach: () => void;
  /** The camera's sender takes this track, or sends nothing; a first camera is added. */
  sendCamera: (track: MediaStreamTrack | null) => Promise<void>;
}

export function localTracks({ pc, local, isShare }: LocalTracksDeps): LocalTracks {
  /** The camera's sender: a video sender that is not the share's. */
  function isCameraSender(sender: RTCRtpSender): boolean {
    if (isShare(sender)) return false;
    const transceiver = pc.getTransceivers().find((t) => t.sender === sender);
    return transceiver?.receiver.track.kind === 'video';
  }

  return {
    attach() {
      const sending = new Set(pc.getSenders().map((sender) => sender.track));
      for (const track of local.getTracks()) {
        if (sending.has(track)) continue;
        const idle = pc
          .getTransceivers()
          .find(
            (t) =>
              t.receiver.track.kind === track.kind &&
              // An ended track is a preview closed while it rang: its transceiver takes the next camera.
              (!t.sender.track || t.sender.track.readyState === 'ended') &&
              (t.direction === 'sendrecv' || t.direction === 'sendonly') &&
              !isShare(t.sender),
          );
        if (idle) void idle.sender.replaceTrack(track);
        else pc.addTrack(track, local);
      }
    },

    async sendCamera(track) {
      if (!track) {
        for (const sender of pc.getSenders()) if (isCameraSender(sender)) void sender.replaceTrack(null);
        return;
      }
      const sender = pc.getSenders().find(isCameraSender);
      if (sender) await sender.replaceTrack(track);
      else pc.addTrack(track, local);
    },
  };
}
