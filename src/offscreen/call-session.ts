/**
 * One call's media in the offscreen document: local capture, the peer
 * connection, and the small control channel that tells the other side when
 * we mute. The caller's offer and candidates wait in an outbox until the callee
 * has accepted (the server relays nothing before that); the callee keeps what
 * arrives before its peer connection exists.
 */
import * as v from 'valibot';
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import type { IceServer, SignalData } from '../shared/protocol';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { captureCamera, captureLocalMedia } from './local-media';
import { createPeer, type Peer } from './peer';
import { iceTransportPolicy } from './transport-policy';

const ControlMessage = v.strictObject({ type: v.literal('media'), mic: v.boolean(), camera: v.boolean() });

export interface CallSession {
  connect(role: Role, iceServers: IceServer[]): void;
  peerReady(): void;
  receive(data: SignalData): void;
  setLocalMedia(local: MediaFlags): Promise<void>;
  retryMedia(): Promise<void>;
  stop(): void;
}

export function startCallSession(
  want: MediaFlags,
  streams: CallStreams,
  notify: (message: BackgroundMessage) => void,
  changed: () => void,
): CallSession {
  let local = want;
  let peer: Peer | null = null;
  let control: RTCDataChannel | null = null;
  let ready = false;
  let stopped = false;
  const outbox: SignalData[] = [];
  const inbox: SignalData[] = [];

  const capture = captureLocalMedia(want).then((result) => {
    if (stopped) {
      for (const track of result.stream.getTracks()) track.stop();
      return result;
    }
    for (const track of result.stream.getTracks()) {
      if (track.kind === 'audio') track.enabled = local.mic;
      streams.local.addTrack(track);
    }
    if (result.shortfall) notify({ target: 'background', type: 'media-shortfall', ...result.shortfall, got: result.got });
    changed();
    return result;
  });

  function send(data: SignalData): void {
    if (ready) notify({ target: 'background', type: 'signal-out', data });
    else outbox.push(data);
  }

  function sendMediaState(): void {
    if (control?.readyState !== 'open') return;
    const hasCamera = streams.local.getVideoTracks().some((track) => track.readyState === 'live');
    control.send(JSON.stringify({ type: 'media', mic: local.mic && streams.local.getAudioTracks().length > 0, camera: local.camera && hasCamera }));
  }

  function openControl(pc: RTCPeerConnection): void {
    // Negotiated with a fixed id on both sides: no extra offer for the channel, and no race to create it.
    control = pc.createDataChannel('control', { negotiated: true, id: 0 });
    control.onopen = sendMediaState;
    control.onmessage = ({ data }) => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(String(data));
      } catch {
        return;
      }
      const parsed = v.safeParse(ControlMessage, decoded);
      if (parsed.success) {
        notify({ target: 'background', type: 'remote-media', media: { mic: parsed.output.mic, camera: parsed.output.camera } });
      }
    };
  }

  function addLocalTracks(pc: RTCPeerConnection): void {
    const sending = new Set(pc.getSenders().map((sender) => sender.track));
    for (const track of streams.local.getTracks()) if (!sending.has(track)) pc.addTrack(track, streams.local);
  }

  return {
    connect(role, iceServers) {
      if (peer || stopped) return;
      let answered = false;
      peer = createPeer({
        polite: role === 'callee',
        iceServers,
        iceTransportPolicy: iceTransportPolicy(),
        send,
        // The callee adds its tracks to the caller's offered transceivers: one offer, one answer, no second round.
        async beforeAnswer(pc) {
          if (answered) return;
          answered = true;
          openControl(pc);
          await capture;
          addLocalTracks(pc);
        },
        onError: (error) => console.warn('[PeerDial] negotiation', error),
      });
      const { pc } = peer;
      streams.pc = pc;
      pc.ontrack = ({ track }) => {
        streams.remote.addTrack(track);
        track.onended = () => streams.remote.removeTrack(track);
        changed();
      };
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected') notify({ target: 'background', type: 'media-connection', state: 'connected' });
        if (pc.connectionState === 'failed') notify({ target: 'background', type: 'media-connection', state: 'lost' });
      };
      if (role === 'callee') {
        ready = true;
      } else {
        // Channel and tracks in one task, so negotiation needs only one offer.
        void capture.then(() => {
          if (stopped) return;
          openControl(pc);
          addLocalTracks(pc);
          // Without a camera or microphone we still want theirs, in this same offer.
          for (const kind of ['audio', 'video'] as const) {
            if (!pc.getTransceivers().some((t) => t.receiver.track.kind === kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
          }
        });
      }
      for (const data of inbox.splice(0)) void peer.receive(data);
      changed();
    },

    peerReady() {
      ready = true;
      for (const data of outbox.splice(0)) notify({ target: 'background', type: 'signal-out', data });
    },

    receive(data) {
      if (peer) void peer.receive(data);
      else inbox.push(data);
    },

    async setLocalMedia(next) {
      const cameraChanged = next.camera !== local.camera;
      local = next;
      for (const track of streams.local.getAudioTracks()) track.enabled = next.mic;
      if (cameraChanged) {
        await capture;
        if (next.camera) await turnCameraOn();
        else turnCameraOff();
      }
      sendMediaState();
      changed();
    },

    async retryMedia() {
      await capture;
      const have = { mic: streams.local.getAudioTracks().length > 0, camera: streams.local.getVideoTracks().length > 0 };
      const missing = { mic: local.mic && !have.mic, camera: local.camera && !have.camera };
      const more = await captureLocalMedia(missing);
      for (const track of more.stream.getTracks()) streams.local.addTrack(track);
      if (peer) addLocalTracks(peer.pc);
      sendMediaState();
      changed();
    },

    stop() {
      stopped = true;
      for (const track of [...streams.local.getTracks(), ...streams.remote.getTracks()]) {
        track.stop();
        streams.local.removeTrack(track);
        streams.remote.removeTrack(track);
      }
      control?.close();
      peer?.close();
      streams.pc = null;
      changed();
    },
  };

  // Camera off must turn the camera light off: stop the track, not just disable it.
  function turnCameraOff(): void {
    for (const track of streams.local.getVideoTracks()) {
      track.stop();
      streams.local.removeTrack(track);
    }
    for (const sender of peer?.pc.getSenders() ?? []) if (isVideoSender(sender)) void sender.replaceTrack(null);
  }

  async function turnCameraOn(): Promise<void> {
    const track = await captureCamera();
    if (!track || stopped) return;
    streams.local.addTrack(track);
    const sender = peer?.pc.getSenders().find(isVideoSender);
    // Same transceiver, new track: the other side sees the picture return without renegotiation.
    if (sender) await sender.replaceTrack(track);
    else if (peer) peer.pc.addTrack(track, streams.local);
  }

  function isVideoSender(sender: RTCRtpSender): boolean {
    const transceiver = peer?.pc.getTransceivers().find((t) => t.sender === sender);
    return transceiver?.receiver.track.kind === 'video';
  }
}
