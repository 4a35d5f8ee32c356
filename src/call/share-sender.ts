/**
 * Sends shared content as its own video (and audio) beside the camera, on
 * transceivers of its own so the camera stays as it is. The first share adds
 * them (one renegotiation); switching to another tab only replaces the tracks
 * (no renegotiation, no glitch); stopping turns them inactive and keeps them
 * for the next share.
 */
import { shareMaxBitrate } from './share-media';

export interface ShareSender {
  /** Sends these tracks as the share, replacing any shared before. */
  send: (stream: MediaStream) => Promise<void>;
  stop: () => Promise<void>;
  /** True for the senders this module owns, which the camera code must leave alone. */
  owns: (sender: RTCRtpSender) => boolean;
}

export function createShareSender(pc: RTCPeerConnection, shareStream: MediaStream, log: (what: string, error: unknown) => void): ShareSender {
  const transceivers = new Map<'audio' | 'video', RTCRtpTransceiver>();

  async function tune(sender: RTCRtpSender, track: MediaStreamTrack): Promise<void> {
    const params = sender.getParameters();
    // Text must stay readable: when bandwidth is short, drop frames, never pixels.
    params.degradationPreference = 'maintain-resolution';
    for (const encoding of params.encodings ?? []) encoding.maxBitrate = shareMaxBitrate(track.getSettings());
    await sender.setParameters(params).catch((error: unknown) => log('share encoding parameters', error));
  }

  async function sendKind(kind: 'audio' | 'video', track: MediaStreamTrack | undefined): Promise<void> {
    const existing = transceivers.get(kind);
    if (!track) {
      if (existing) await existing.sender.replaceTrack(null);
      return;
    }
    if (existing) {
      await existing.sender.replaceTrack(track);
      if (existing.direction !== 'sendonly') existing.direction = 'sendonly';
    } else {
      const sendEncodings = kind === 'video' ? [{ maxBitrate: shareMaxBitrate(track.getSettings()) }] : undefined;
      transceivers.set(kind, pc.addTransceiver(track, { direction: 'sendonly', streams: [shareStream], sendEncodings }));
    }
    if (kind === 'video') await tune(transceivers.get(kind)!.sender, track);
  }

  return {
    async send(stream) {
      await sendKind('video', stream.getVideoTracks()[0]);
      await sendKind('audio', stream.getAudioTracks()[0]);
    },
    async stop() {
      for (const transceiver of transceivers.values()) {
        await transceiver.sender.replaceTrack(null);
        // Inactive, not removed: the next share reuses the same m-lines.
        if (pc.signalingState !== 'closed') transceiver.direction = 'inactive';
      }
    },
    owns(sender) {
      return [...transceivers.values()].some((transceiver) => transceiver.sender === sender);
    },
  };
}
