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
 * The callee's relay (TURN) credential comes with the accept, and each party
 * renews its own while the call lasts (relay-credentials.ts).
 */
import type { ChatAndFiles } from '../shared/chat-and-files';
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import type { IceServer, SignalData } from '../shared/protocol';
import { markSetupStep } from '../shared/setup-marks';
import { type AnswerPolicy, createAnswerPolicy } from './answer-policy';
import { type ChatAndFilesSession, type ReceivedFiles, startChatAndFiles } from './chat-and-files';
import { type ControlChannel, openControlChannel } from './control-channel';
import type { ControlFrame } from './data-frames';
import { type LocalTracks, localTracks } from './local-tracks';
import { type IceRecovery, type PathState, watchIceRecovery } from './ice-recovery';
import { createPeer, type Peer } from './peer';
import { type NegotiationTrace, traceNegotiation } from './negotiation-trace';
import { type RelayCredentials, takeRelayCredentials } from './relay-credentials';
import { sortRemoteTracks } from './remote-tracks';
import { type Sharing, startSharing } from './sharing';

/** What the engine tells its host. */
export type CallEvent =
  /** A track came or went: whatever shows the streams looks again. */
  | { type: 'changed' }
  /** The other side muted or unmuted, turned its camera on or off. */
  | { type: 'remote-media'; media: MediaFlags }
  /** The media path broke or came back. */
  | { type: 'media-connection'; state: PathState }
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
  wants: () => MediaFlags;
}

export interface CallEngineDeps {
  /** Where our signals go, in order. */
  signalling: { send: (data: SignalData) => void };
  /** `local` and `localShare` are the host's to fill; `remote`, `remoteShare` and `pc` the engine's. */
  streams: CallStreams;
  media: LocalMedia;
  /** Where received files go. */
  files: ReceivedFiles;
  onEvent: (event: CallEvent) => void;
  log: (what: string, detail: unknown) => void;
}

export interface ConnectOptions {
  /** A callee preparing while it rings: the answer waits for gathering to end, or for `release()`. */
  holdAnswer?: boolean;
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface CallEngine {
  /** Builds the peer connection; signals received before it are applied then. Once. */
  connect: (role: Role, iceServers: IceServer[], options?: ConnectOptions) => void;
  /** The accept is going: a held answer goes now, gathering complete or not. */
  release: () => void;
  /**
   * A relay credential the server granted after connect: at the accept, or `renewal` of the one the connection has
   * (see relay-credentials.ts). Before connect, connect takes these servers instead of its own.
   */
  useRelay: (iceServers: IceServer[], renewal: boolean) => void;
  receive: (data: SignalData) => void;
  /** The callee has answered: a local track added now joins a transceiver without renegotiating. */
  answered: () => boolean;
  /** Puts every local track not yet sent on the connection. */
  sendLocalTracks: () => void;
  /** Tells the other side what we send now (mute, camera). */
  announceMedia: () => void;
  /** The camera's sender takes this track, or sends nothing (camera off); a first camera is added. */
  sendCamera: (track: MediaStreamTrack | null) => Promise<void>;
  /** Sends this capture as the share, replacing any before; false (and share-failed) when there is no call to share into. */
  shareStream: (stream: MediaStream) => Promise<boolean>;
  stopShare: () => Promise<void>;
  /** Chat and files, once the control channel exists. */
  chatAndFiles: () => ChatAndFilesSession | null;
  /** This call's connection, once built (the host's device switching replaces tracks on its senders). */
  pc: () => RTCPeerConnection | null;
  /** Stops every track and closes the connection. */
  stop: () => void;
}

export function createCallEngine(deps: CallEngineDeps): CallEngine {
  const { streams, media, onEvent } = deps;
  let trace: NegotiationTrace | null = null;
  /** What went wrong goes to the console, and into the trace beside what the connection was doing then. */
  function log(what: string, detail: unknown): void {
    trace?.note(`${what}: ${detail instanceof Error ? detail.message : JSON.stringify(detail)}`);
    deps.log(what, detail);
  }
  const changed = () => onEvent({ type: 'changed' });
  const remoteTracks = sortRemoteTracks(streams, changed);
  let pc: RTCPeerConnection | null = null;
  let peer: Peer | null = null;
  let answerPolicy: AnswerPolicy | null = null;
  let recovery: IceRecovery | null = null;
  let relay: RelayCredentials | null = null;
  /** A relay granted before the connection was built (a callee that accepted without preparing). */
  let relayBeforeConnect: IceServer[] | null = null;
  let control: ControlChannel | null = null;
  let chatAndFiles: ChatAndFilesSession | null = null;
  let sharing: Sharing | null = null;
  let tracks: LocalTracks | null = null;
  let stopped = false;
  const inbox: SignalData[] = [];
  /** The callee has answered the caller's offer: its transceivers take tracks by replaceTrack from then on. */
  let answeredOffer = false;

  const sendControl = (frame: ControlFrame) => control?.send(frame) ?? false;

  /** Capture is under way: what is wanted is announced as coming, and capture's end announces what came. */
  let capturing = true;
  void media.captured.then(() => (capturing = false));

  function announceMedia(): void {
    const wants = media.wants();
    const hasMic = capturing || streams.local.getAudioTracks().length > 0;
    const hasCamera = capturing || streams.local.getVideoTracks().some((track) => track.readyState === 'live');
    sendControl({ type: 'media', mic: wants.mic && hasMic, camera: wants.camera && hasCamera });
  }

  function openControl(connection: RTCPeerConnection): void {
    control = openControlChannel(connection, {
      onOpen() {
        announceMedia();
        sharing?.announce();
        chatAndFiles?.announce();
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
      onFileBytesSent: (bytes) => (streams.fileBytesSent += bytes),
      log: (message) => log('data', { message }),
    });
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
      onPathChange(state) {
        onEvent({ type: 'media-connection', state });
        chatAndFiles?.pathChanged(state);
      },
      onRestart: (why) => trace?.note(`restarting ICE: ${why}`),
    });
    // A file's bytes arriving are as good a sign of life as the heartbeat. During a large transfer the heartbeat can
    // lag behind the file data queued ahead of it on a slow or relayed path, and the silence it then seemed to show
    // restarted ICE every few seconds and paused the transfer it was carrying.
    connection.addEventListener('datachannel', ({ channel }) => channel.addEventListener('message', () => recovery?.heard()));
  }

  return {
    connect(role, iceServers, options = {}) {
      if (peer || stopped) return;
      const connection = new RTCPeerConnection({
        iceServers: relayBeforeConnect ?? iceServers,
        iceTransportPolicy: options.iceTransportPolicy ?? 'all',
        bundlePolicy: 'max-bundle',
      });
      pc = connection;
      trace = traceNegotiation(connection, streams.trace);
      trace.note(`built as ${role}, ${relayBeforeConnect ? 'with a relay granted before' : `${iceServers.length} ICE servers`}, policy ${options.iceTransportPolicy ?? 'all'}`);
      relay = takeRelayCredentials(connection, log);
      sharing = startSharing({
        pc: connection,
        localShare: streams.localShare,
        sendControl,
        onEnded: () => onEvent({ type: 'share-ended' }),
        log,
      });
      const sending = (tracks = localTracks({ pc: connection, local: streams.local, isShare: (sender) => sharing?.owns(sender) ?? false }));
      answerPolicy = createAnswerPolicy(connection, {
        provisional: role === 'caller',
        holdAnswer: options.holdAnswer === true,
        send(data) {
          trace?.signal('sent', data);
          deps.signalling.send(data);
        },
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
          // A caller answers only the callee's later offers (a share it starts): its channel and tracks went out with
          // its own offer, and a second control channel on the same negotiated id would fail the answer.
          if (role === 'caller' || answeredOffer) return;
          answeredOffer = true;
          relay?.mediaComing();
          openControl(connection);
          for (const transceiver of connection.getTransceivers()) if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
          sending.attach();
          void media.captured.then(() => {
            if (stopped) return;
            sending.attach();
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
        // The offer goes now, not once the camera and microphone are open: it is what the callee prepares its answer
        // from while it rings, and capture can take longer than a ring where CPU is short. Channel and transceivers in
        // one task, so negotiation needs one offer; captured tracks join the transceivers by replaceTrack, as the
        // callee's do. A kind not wanted (a call to send a file) is received only, and we still want theirs.
        openControl(connection);
        const wants = media.wants();
        for (const kind of ['audio', 'video'] as const) {
          const sends = kind === 'audio' ? wants.mic : wants.camera;
          connection.addTransceiver(kind, { direction: sends ? 'sendrecv' : 'recvonly', streams: [streams.local] });
        }
        // A camera captured before the connection (the microphone comes later: media-host/call-session.ts).
        sending.attach();
        void media.captured.then(() => {
          if (stopped) return;
          sending.attach();
          // The channel may have opened before capture was done, telling the callee "muted, camera off".
          announceMedia();
        });
      }
      for (const data of inbox.splice(0)) {
        trace.signal('received', data);
        void peer.receive(data);
      }
      changed();
    },

    release: () => answerPolicy?.release(),

    useRelay(iceServers, renewal) {
      if (stopped) return;
      trace?.note(`relay credential ${renewal ? 'renewed' : 'granted'} (transceivers ${pc?.getTransceivers().length ?? 'none'}, gathering ${pc?.iceGatheringState ?? 'none'})`);
      if (relay) relay.use(iceServers, renewal);
      else relayBeforeConnect = iceServers;
    },

    receive(data) {
      if (data.kind === 'description' && data.description.type === 'answer') {
        markSetupStep('answer-received');
        recovery?.answered();
      }
      trace?.signal('received', data);
      if (peer) void peer.receive(data);
      else inbox.push(data);
    },

    answered: () => answeredOffer,

    sendLocalTracks: () => tracks?.attach(),

    announceMedia,

    sendCamera: async (track) => tracks?.sendCamera(track),

    async shareStream(stream) {
      if (!sharing || stopped) {
        for (const track of stream.getTracks()) track.stop();
        onEvent({ type: 'share-failed', message: 'The call is not connected yet.' });
        return false;
      }
      await sharing.share(stream);
      onEvent({ type: 'share-started' });
      changed();
      return true;
    },

    async stopShare() {
      await sharing?.stop();
      changed();
    },

    chatAndFiles: () => chatAndFiles,

    pc: () => pc,

    stop() {
      stopped = true;
      chatAndFiles?.stop();
      sharing?.release();
      for (const track of [...streams.local.getTracks(), ...streams.remote.getTracks(), ...streams.remoteShare.getTracks()]) {
        track.stop();
        streams.local.removeTrack(track);
        streams.remote.removeTrack(track);
        streams.remoteShare.removeTrack(track);
      }
      recovery?.stop();
      relay?.stop();
      control?.close();
      peer?.close();
      streams.pc = null;
      changed();
    },
  };
}
