/**
 * One call between two browsers, whatever hosts it: the peer connection and
 * its negotiation, the control channel, chat and files, what the other side
 * sends and what we share. It knows nothing of an extension or of Socket.IO:
 * signals go out through the port it is given and come in by `receive`, the
 * host captures the camera and microphone into `streams.local`, and
 * everything the host should show or pass on comes back as an event.
 *
 * The callee builds its connection while it rings and answers the offer at
 * once, its transceivers sending and receiving whether its camera is ready or
 * not: captured tracks join them by replaceTrack, so there is one offer and
 * one answer. Nothing can leave before the accept, for the caller has no
 * address of ours and not even our ICE credentials: the answer holding them
 * waits in the answer policy, and then with the signalling port's owner.
 */
import type { ChatAndFiles } from '../shared/chat-and-files';
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import type { IceServer, SignalData } from '../shared/protocol';
import { markSetupStep } from '../shared/setup-marks';
import { type AnswerPolicy, createAnswerPolicy } from './answer-policy';
import { type ChatAndFilesSession, type ReceivedFiles, startChatAndFiles } from './chat-and-files';
import { type ControlChannel, openControlChannel } from './control-channel';
import { type IceRecovery, type PathState, watchIceRecovery } from './ice-recovery';
import { createPeer, type Peer } from './peer';
import { sortRemoteTracks } from './remote-tracks';
import { createShareSender, type ShareSender } from './share-sender';

/** What the engine tells its host. */
export type CallEvent =
  /** A track came or went: whatever shows the streams looks again. */
  | { type: 'changed' }
  /** The other side muted or unmuted, turned its camera on or off. */
  | { type: 'remote-media'; media: MediaFlags }
  /** The media path broke or came back. */
  | { type: 'media-connection'; state: PathState }
  /** The other side is connecting: a caller has the answer. */
  | { type: 'connecting' }
  /** The transport is up. */
  | { type: 'connected' }
  | { type: 'share-started' }
  /** What we share ended by itself (its tab closed, the browser's own "Stop sharing"). */
  | { type: 'share-ended' }
  | { type: 'share-failed'; message: string }
  | { type: 'chat-and-files'; state: ChatAndFiles };

/** The host's side of our camera and microphone, which it captures into `streams.local`. */
export interface LocalMedia {
  /** Settles once capture is done, whatever it got (never, for a callee that declines). */
  captured: Promise<void>;
  /** What the user wants the other side to have: the microphone unmuted, the camera on. */
  wants(): MediaFlags;
  /** The track to put on a sender for a local one: the host may send a stand-in for a while. The track itself when absent. */
  trackToSend?(track: MediaStreamTrack, pc: RTCPeerConnection): MediaStreamTrack;
  /** The local track a sent one stands in for, where trackToSend gave another. */
  standsInFor?(sent: MediaStreamTrack): MediaStreamTrack | null;
}

export interface CallEngineDeps {
  /** Where our signals go, in order. */
  signalling: { send(data: SignalData): void };
  /** `local` and `localShare` are the host's to fill; `remote`, `remoteShare` and `pc` the engine's. */
  streams: CallStreams;
  media: LocalMedia;
  /** Where received files go. */
  files: ReceivedFiles;
  onEvent(event: CallEvent): void;
  log(what: string, detail: unknown): void;
}

export interface ConnectOptions {
  /** A callee preparing while it rings: the answer waits for gathering to end, or for `release()`. */
  holdAnswer?: boolean;
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface CallEngine {
  /** Builds the peer connection; signals received before it are applied then. Once. */
  connect(role: Role, iceServers: IceServer[], options?: ConnectOptions): void;
  /** The accept is going: a held answer goes now, gathering complete or not. */
  release(): void;
  receive(data: SignalData): void;
  /** The callee has answered: a local track added now joins a transceiver without renegotiating. */
  answered(): boolean;
  /** Puts every local track not yet sent on the connection. */
  sendLocalTracks(): void;
  /** Tells the other side what we send now (mute, camera). */
  announceMedia(): void;
  /** The camera's sender takes this track, or sends nothing (camera off); a first camera is added. */
  sendCamera(track: MediaStreamTrack | null): Promise<void>;
  /** Sends this capture as the share, replacing any before; false (and share-failed) when there is no call to share into. */
  shareStream(stream: MediaStream): Promise<boolean>;
  stopShare(): Promise<void>;
  /** Chat and files, once the control channel exists. */
  chatAndFiles(): ChatAndFilesSession | null;
  /** Stops every track and closes the connection. */
  stop(): void;
}

export function createCallEngine(deps: CallEngineDeps): CallEngine {
  const { streams, media, onEvent, log } = deps;
  const changed = () => onEvent({ type: 'changed' });
  const remoteTracks = sortRemoteTracks(streams, changed);
  let pc: RTCPeerConnection | null = null;
  let peer: Peer | null = null;
  let answerPolicy: AnswerPolicy | null = null;
  let recovery: IceRecovery | null = null;
  let control: ControlChannel | null = null;
  let chatAndFiles: ChatAndFilesSession | null = null;
  let shareSender: ShareSender | null = null;
  let stopped = false;
  const inbox: SignalData[] = [];
  /** The callee has answered the caller's offer: its transceivers take tracks by replaceTrack from then on. */
  let answeredOffer = false;

  const sendControl = (frame: Parameters<ControlChannel['send']>[0]) => control?.send(frame) ?? false;

  function announceMedia(): void {
    const wants = media.wants();
    const hasCamera = streams.local.getVideoTracks().some((track) => track.readyState === 'live');
    sendControl({ type: 'media', mic: wants.mic && streams.local.getAudioTracks().length > 0, camera: wants.camera && hasCamera });
  }

  /** Sent before the tracks are, so the other side knows the share when its tracks arrive. */
  function announceShare(): void {
    const sharing = streams.localShare.getVideoTracks().length > 0;
    sendControl({ type: 'share', stream: sharing ? streams.localShare.id : null });
  }

  function openControl(connection: RTCPeerConnection): void {
    control = openControlChannel(connection, {
      onOpen() {
        announceMedia();
        announceShare();
      },
      heard: () => recovery?.heard(),
      onFrame(frame) {
        if (frame.type === 'media') onEvent({ type: 'remote-media', media: { mic: frame.mic, camera: frame.camera } });
        else if (frame.type === 'share') remoteTracks.announce(frame.stream);
        else chatAndFiles?.receive(frame);
      },
      log,
    });
    chatAndFiles = startChatAndFiles({
      pc: connection,
      sendControl,
      onChange: (state) => onEvent({ type: 'chat-and-files', state }),
      store: deps.files,
      log: (message) => log('data', { message }),
    });
  }

  /**
   * Sends every local track. An answered transceiver of the same kind that
   * sends nothing yet takes it by replaceTrack (no renegotiation: the callee
   * answered before its camera was ready); only a track with no such place
   * is added, which renegotiates.
   */
  function attachLocalTracks(connection: RTCPeerConnection): void {
    const sending = new Set(connection.getSenders().map((sender) => (sender.track && media.standsInFor?.(sender.track)) || sender.track));
    for (const track of streams.local.getTracks()) {
      if (sending.has(track)) continue;
      const sent = media.trackToSend?.(track, connection) ?? track;
      const idle = connection
        .getTransceivers()
        .find(
          (t) =>
            t.receiver.track.kind === track.kind &&
            // An ended track is a preview closed while it rang: its transceiver takes the next camera.
            (!t.sender.track || t.sender.track.readyState === 'ended') &&
            (t.direction === 'sendrecv' || t.direction === 'sendonly') &&
            !shareSender?.owns(t.sender),
        );
      if (idle) void idle.sender.replaceTrack(sent);
      else connection.addTrack(sent, streams.local);
    }
  }

  /** The camera's sender: a video sender that is not the share's. */
  function isCameraSender(sender: RTCRtpSender): boolean {
    if (shareSender?.owns(sender)) return false;
    const transceiver = pc?.getTransceivers().find((t) => t.sender === sender);
    return transceiver?.receiver.track.kind === 'video';
  }

  function releaseShareTracks(): void {
    for (const track of streams.localShare.getTracks()) {
      track.onended = null;
      track.stop();
      streams.localShare.removeTrack(track);
    }
  }

  function watch(connection: RTCPeerConnection, role: Role): void {
    connection.ontrack = ({ track, streams: [stream] }) => {
      track.addEventListener('unmute', () => markSetupStep(track.kind === 'video' ? 'first-video' : 'first-audio'), { once: true });
      remoteTracks.add(track, stream?.id ?? null);
    };
    connection.addEventListener('iceconnectionstatechange', () => {
      if (connection.iceConnectionState === 'connected') markSetupStep('ice-connected');
    });
    connection.addEventListener('connectionstatechange', () => {
      if (connection.connectionState !== 'connected') return;
      markSetupStep('connected');
      onEvent({ type: 'connected' });
    });
    recovery = watchIceRecovery(connection, {
      restarts: role === 'caller',
      onPathChange: (state) => onEvent({ type: 'media-connection', state }),
    });
  }

  return {
    connect(role, iceServers, options = {}) {
      if (peer || stopped) return;
      const connection = new RTCPeerConnection({ iceServers, iceTransportPolicy: options.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle' });
      pc = connection;
      answerPolicy = createAnswerPolicy(connection, {
        provisional: role === 'caller',
        holdAnswer: options.holdAnswer === true,
        send: (data) => deps.signalling.send(data),
        onError: (error) => log('provisional answer', error),
      });
      peer = createPeer({
        pc: connection,
        polite: role === 'callee',
        send: answerPolicy.send,
        // The callee answers the caller's offered transceivers as send-and-receive at once, camera ready or not:
        // its tracks join them by replaceTrack when capture is done. One offer, one answer, no second round.
        async beforeAnswer() {
          markSetupStep('offer-applied');
          if (answeredOffer) return;
          answeredOffer = true;
          openControl(connection);
          for (const transceiver of connection.getTransceivers()) if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
          attachLocalTracks(connection);
          void media.captured.then(() => {
            if (stopped) return;
            attachLocalTracks(connection);
            // The channel may have opened before the camera did, telling the caller "muted, camera off".
            announceMedia();
          });
        },
        onError: (error) => log('negotiation', error),
      });
      markSetupStep('pc-created');
      streams.pc = connection;
      watch(connection, role);
      if (role === 'caller') {
        // Channel and tracks in one task, so negotiation needs only one offer.
        void media.captured.then(() => {
          if (stopped) return;
          openControl(connection);
          attachLocalTracks(connection);
          // Without a camera or microphone we still want theirs, in this same offer.
          for (const kind of ['audio', 'video'] as const) {
            if (!connection.getTransceivers().some((t) => t.receiver.track.kind === kind)) connection.addTransceiver(kind, { direction: 'recvonly' });
          }
        });
      }
      for (const data of inbox.splice(0)) void peer.receive(data);
      changed();
    },

    release: () => answerPolicy?.release(),

    receive(data) {
      if (data.kind === 'description' && data.description.type === 'answer') {
        markSetupStep('answer-received');
        onEvent({ type: 'connecting' });
      }
      if (peer) void peer.receive(data);
      else inbox.push(data);
    },

    answered: () => answeredOffer,

    sendLocalTracks() {
      if (pc) attachLocalTracks(pc);
    },

    announceMedia,

    async sendCamera(track) {
      if (!track) {
        for (const sender of pc?.getSenders() ?? []) if (isCameraSender(sender)) void sender.replaceTrack(null);
        return;
      }
      const sender = pc?.getSenders().find(isCameraSender);
      // Same transceiver, new track: the other side sees the picture return without renegotiation.
      if (sender) await sender.replaceTrack(track);
      else pc?.addTrack(track, streams.local);
    },

    async shareStream(stream) {
      if (!pc || stopped) {
        for (const track of stream.getTracks()) track.stop();
        onEvent({ type: 'share-failed', message: 'The call is not connected yet.' });
        return false;
      }
      // The old share keeps going until the new one is in place: a switch shows no gap.
      const old = streams.localShare.getTracks();
      for (const track of stream.getTracks()) {
        streams.localShare.addTrack(track);
        // Closing the tab ends its tracks; so does the browser's own "Stop sharing". Navigating to a page that cannot be captured does not.
        track.onended = () => {
          if (streams.localShare.getTrackById(track.id)) onEvent({ type: 'share-ended' });
        };
      }
      shareSender ??= createShareSender(pc, streams.localShare, log);
      announceShare();
      await shareSender.send(stream);
      for (const track of old) {
        track.onended = null;
        track.stop();
        streams.localShare.removeTrack(track);
      }
      onEvent({ type: 'share-started' });
      changed();
      return true;
    },

    async stopShare() {
      releaseShareTracks();
      announceShare();
      await shareSender?.stop();
      changed();
    },

    chatAndFiles: () => chatAndFiles,

    stop() {
      stopped = true;
      chatAndFiles?.stop();
      releaseShareTracks();
      for (const track of [...streams.local.getTracks(), ...streams.remote.getTracks(), ...streams.remoteShare.getTracks()]) {
        track.stop();
        streams.local.removeTrack(track);
        streams.remote.removeTrack(track);
        streams.remoteShare.removeTrack(track);
      }
      recovery?.stop();
      control?.close();
      peer?.close();
      streams.pc = null;
      changed();
    },
  };
}
