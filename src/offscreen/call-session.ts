/**
 * One call's media in the offscreen document: local capture, the peer
 * connection, sharing a tab or screen, and the small control channel that
 * tells the other side when we mute and which stream is the share. The
 * caller's offer and candidates go out as soon as the ring is acknowledged
 * (the server holds them until the callee accepts, all but an offer naming no
 * address). The callee builds its peer connection while it rings and answers
 * that offer at once; the worker keeps the answer and its candidates until
 * the accept has gone (answer-policy.ts holds the answer until gathering
 * ends, so there is one description to keep). Its camera starts on Accept, or earlier as a preview while a
 * page shows the incoming call, and joins the answered transceivers at once:
 * the encoder is ready before the transport is. No packet can leave before
 * the accept, for the caller has no address of ours and not even our ICE
 * credentials (they are in the answer the worker keeps).
 */
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import { type ControlFrame, parseControlFrame } from '../call/data-frames';
import type { IceServer, SignalData } from '../shared/protocol';
import type { DeviceChoice } from '../shared/devices';
import { type AnswerPolicy, createAnswerPolicy } from '../call/answer-policy';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { type CallDevices, startCallDevices } from './call-devices';
import { type CameraStandIn, standInForCamera } from './camera-stand-in';
import { type ChatAndFilesSession, startChatAndFiles } from '../call/chat-and-files';
import { HEARTBEAT_MS, type IceRecovery, watchIceRecovery } from '../call/ice-recovery';
import { captureCamera, captureLocalMedia, type DeviceIds } from './local-media';
import { createPeer, type Peer } from '../call/peer';
import { sortRemoteTracks } from '../call/remote-tracks';
import { captureFailure, captureShare } from './share-capture';
import { createShareSender, type ShareSender } from '../call/share-sender';
import { receivedFilesOnDisk } from './received-files';
import { markSetupStep } from '../shared/setup-marks';
import type { Speaker } from './speaker';
import { iceTransportPolicy } from './transport-policy';

export interface CallSession {
  /** Starts the camera and microphone, from the chosen devices: on dialling, or for a callee on Accept. Once per session. */
  startMedia(want: MediaFlags, choice: DeviceChoice): void;
  /** A callee's session prepared while it rang, its call's media not started yet. */
  awaitingMedia(): boolean;
  /**
   * While it rings, the camera alone, for the callee to see; startMedia takes
   * it as the call's camera. Off, or after startMedia, changes nothing
   * already started.
   */
  preview(on: boolean, choice: DeviceChoice): void;
  /** Builds the peer connection; `prepared` (a callee while it rings) holds its answer until gathering ends or `release()`. */
  connect(role: Role, iceServers: IceServer[], options?: { prepared?: boolean }): void;
  /** The accept is going: a held answer goes now, gathering complete or not. */
  release(): void;
  receive(data: SignalData): void;
  setLocalMedia(local: MediaFlags): Promise<void>;
  retryMedia(): Promise<void>;
  /** Chat and files, once the control channel exists. */
  chatAndFiles(): ChatAndFilesSession | null;
  /** Shares the tab behind this capture id, replacing whatever was shared; says how it went by `notify`. */
  shareTab(streamId: string): Promise<void>;
  /** Shares a capture made elsewhere (the screen picker page, which must stay open while it lasts); true once it is sent. */
  shareStream(stream: MediaStream): Promise<boolean>;
  stopShare(): Promise<void>;
  /** The user chose another microphone, camera or speaker: switch now, mute and share untouched. */
  setDevices(choice: DeviceChoice): Promise<void>;
  stop(): void;
}

export interface CallSessionDeps {
  notify(message: BackgroundMessage): void;
  /** A track came or went: visible pages re-render. */
  changed(): void;
  /** Plays the shared tab's own sound back to the sharer (capture mutes the tab), or stops it with null. */
  hearSharedTab(sound: MediaStream | null): void;
  /** Where the call is heard. */
  speaker: Speaker;
}

export function startCallSession(streams: CallStreams, deps: CallSessionDeps): CallSession {
  const { notify, changed, hearSharedTab } = deps;
  let local: MediaFlags = { mic: false, camera: false };
  let mediaStarted = false;
  let markCaptured: () => void = () => {};
  /** Capture is done (whatever it got); never settles for a prepared ring that is declined, which is then dropped whole. */
  const captured = new Promise<void>((resolve) => (markCaptured = resolve));
  let peer: Peer | null = null;
  let pc: RTCPeerConnection | null = null;
  let answerPolicy: AnswerPolicy | null = null;
  let recovery: IceRecovery | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let control: RTCDataChannel | null = null;
  let chatAndFiles: ChatAndFilesSession | null = null;
  let shareSender: ShareSender | null = null;
  const remoteTracks = sortRemoteTracks(streams, changed);
  let stopped = false;
  const inbox: SignalData[] = [];
  /** The callee has answered the caller's offer: its transceivers take tracks by replaceTrack from then on (no renegotiation). */
  let answeredOffer = false;
  /** The call's devices, from when its media starts (a callee's prepared ring captures nothing). */
  let devices: CallDevices | null = null;
  const deviceIds = (): Promise<DeviceIds> => devices?.ids() ?? Promise.resolve({ mic: null, camera: null });
  /** The ring's camera preview: asked for; its capture (null: none, or it failed); each start or stop makes earlier captures stale. */
  let previewing = false;
  let previewCapture: Promise<MediaStreamTrack | null> = Promise.resolve(null);
  let previewGeneration = 0;
  /** The camera's stand-in on its sender until shortly after the call connects (camera-stand-in.ts). */
  let standIn: CameraStandIn | null = null;
  /** The other side is connecting: a caller has the answer, a callee has accepted. */
  let connecting = false;
  let callee = false;

  function callDevices(choice: DeviceChoice): CallDevices {
    devices ??= startCallDevices(choice, {
      local: streams.local,
      speaker: deps.speaker,
      pc: () => pc,
      wants: () => local,
      notify,
      // A microphone unplugged with none to take over is a microphone off, for the other side too.
      changed: () => {
        sendMediaState();
        changed();
      },
    });
    return devices;
  }

  function hurryStandIn(): void {
    connecting = true;
    standIn?.hurry();
  }

  /**
   * The track to send for `track`: a camera sent while it rings gets a stand-in. One that starts later
   * (a callee who accepted without the preview) is sent itself: a stand-in's worker would not have a
   * picture ready by the time the transport is.
   */
  function trackToSend(pc: RTCPeerConnection, track: MediaStreamTrack): MediaStreamTrack {
    if (track.kind !== 'video' || connecting || standIn) return track;
    standIn = standInForCamera(track, pc);
    return standIn?.track ?? track;
  }

  /** The camera takes its sender back; anything else about to touch that sender waits for this first. */
  function endStandIn(): Promise<void> {
    const ending = standIn?.end() ?? Promise.resolve();
    standIn = null;
    return ending;
  }

  function stopPreview(): void {
    void endStandIn();
    previewGeneration += 1;
    previewCapture = Promise.resolve(null);
    for (const track of streams.local.getVideoTracks()) {
      track.stop();
      streams.local.removeTrack(track);
    }
    changed();
  }

  function startPreview(choice: DeviceChoice): void {
    const generation = ++previewGeneration;
    const ids = callDevices(choice).ids();
    // A preview that fails shows nothing and says nothing: Accept captures again, and reports what is missing then.
    previewCapture = ids.then((chosen) => captureCamera(chosen.camera)).then((track) => {
      if (!track) return null;
      if (generation !== previewGeneration || stopped) {
        track.stop();
        return null;
      }
      streams.local.addTrack(track);
      // On the answered transceiver now, so its encoder is ready when the transport is; nothing can leave before then.
      if (answeredOffer && pc) attachLocalTracks(pc);
      changed();
      return track;
    });
  }

  /** Whatever the preview already has counts: Accept asks the browser only for the rest. */
  function capture(want: MediaFlags): void {
    const previewed = previewCapture;
    void Promise.all([previewed, deviceIds()]).then(async ([camera, ids]) => {
      const result = await captureLocalMedia(camera ? { ...want, camera: false } : want, ids);
      const got = camera ? { ...result.got, camera: true } : result.got;
      markSetupStep('captured');
      if (stopped) {
        for (const track of result.stream.getTracks()) track.stop();
        return;
      }
      for (const track of result.stream.getTracks()) {
        if (track.kind === 'audio') track.enabled = local.mic;
        streams.local.addTrack(track);
      }
      if (result.shortfall) notify({ target: 'background', type: 'media-shortfall', reason: result.shortfall, got });
      changed();
      void devices?.adopt();
      markCaptured();
    });
  }

  function sendControl(frame: ControlFrame): boolean {
    if (control?.readyState !== 'open') return false;
    control.send(JSON.stringify(frame));
    return true;
  }

  function sendMediaState(): void {
    const hasCamera = streams.local.getVideoTracks().some((track) => track.readyState === 'live');
    sendControl({ type: 'media', mic: local.mic && streams.local.getAudioTracks().length > 0, camera: local.camera && hasCamera });
  }

  /** Sent before the tracks are, so the other side knows the share when its tracks arrive. */
  function sendShareState(): void {
    const sharing = streams.localShare.getVideoTracks().length > 0;
    sendControl({ type: 'share', stream: sharing ? streams.localShare.id : null });
  }

  function releaseShareTracks(): void {
    for (const track of streams.localShare.getTracks()) {
      track.onended = null;
      track.stop();
      streams.localShare.removeTrack(track);
    }
  }

  function openControl(pc: RTCPeerConnection): void {
    // Negotiated with a fixed id on both sides: no extra offer for the channel, and no race to create it.
    control = pc.createDataChannel('control', { negotiated: true, id: 0 });
    control.onopen = () => {
      sendMediaState();
      sendShareState();
      recovery?.heard();
      heartbeat = setInterval(() => sendControl({ type: 'alive' }), HEARTBEAT_MS);
    };
    chatAndFiles = startChatAndFiles({
      pc,
      sendControl,
      onChange: (state) => notify({ target: 'background', type: 'chat-and-files', state }),
      store: receivedFilesOnDisk((file) => notify({ target: 'background', type: 'save-file', ...file })),
      log: (message) => console.warn('[PeerDial] data', { message }),
    });
    control.onmessage = ({ data }) => {
      recovery?.heard();
      // The other side is someone else's browser: a bad frame is logged and dropped, never thrown.
      const parsed = parseControlFrame(data);
      if (!parsed.ok) return console.warn('[PeerDial] data', { dropped: parsed.error });
      const { frame } = parsed;
      if (frame.type === 'alive') return;
      if (frame.type === 'media') notify({ target: 'background', type: 'remote-media', media: { mic: frame.mic, camera: frame.camera } });
      else if (frame.type === 'share') remoteTracks.announce(frame.stream);
      else chatAndFiles?.receive(frame);
    };
  }

  /**
   * Sends every captured track. An answered transceiver of the same kind that
   * sends nothing yet takes it by replaceTrack (no renegotiation: the callee
   * answered before its camera was ready); only a track with no such place
   * is added, which renegotiates.
   */
  function attachLocalTracks(pc: RTCPeerConnection): void {
    const sending = new Set(pc.getSenders().map((sender) => (standIn && sender.track === standIn.track ? standIn.camera : sender.track)));
    for (const track of streams.local.getTracks()) {
      if (sending.has(track)) continue;
      const sent = trackToSend(pc, track);
      const idle = pc
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
      else pc.addTrack(sent, streams.local);
    }
  }

  return {
    startMedia(want, choice) {
      if (mediaStarted || stopped) return;
      mediaStarted = true;
      local = want;
      if (callee) hurryStandIn();
      callDevices(choice);
      if (!want.camera) stopPreview();
      capture(want);
    },

    awaitingMedia: () => !mediaStarted && !stopped,

    preview(on, choice) {
      if (mediaStarted || stopped || on === previewing) return;
      previewing = on;
      if (on) startPreview(choice);
      else stopPreview();
    },

    connect(role, iceServers, options = {}) {
      if (peer || stopped) return;
      callee = role === 'callee';
      if (callee && mediaStarted) hurryStandIn();
      const connection = new RTCPeerConnection({ iceServers, iceTransportPolicy: iceTransportPolicy(), bundlePolicy: 'max-bundle' });
      pc = connection;
      const policy = (answerPolicy = createAnswerPolicy(connection, {
        provisional: role === 'caller',
        holdAnswer: options.prepared === true,
        send: (data) => notify({ target: 'background', type: 'signal-out', data }),
        onError: (error) => console.warn('[PeerDial] provisional answer', error),
      }));
      peer = createPeer({
        pc: connection,
        polite: role === 'callee',
        send: policy.send,
        // The callee answers the caller's offered transceivers as send-and-receive at once, camera ready or not:
        // its tracks join them by replaceTrack when capture is done. One offer, one answer, no second round.
        async beforeAnswer() {
          markSetupStep('offer-applied');
          if (answeredOffer) return;
          answeredOffer = true;
          openControl(connection);
          for (const transceiver of connection.getTransceivers()) if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
          attachLocalTracks(connection);
          void captured.then(() => {
            if (stopped) return;
            attachLocalTracks(connection);
            // The channel may have opened before the camera did, telling the caller "muted, camera off".
            sendMediaState();
          });
        },
        onError: (error) => console.warn('[PeerDial] negotiation', error),
      });
      markSetupStep('pc-created');
      streams.pc = connection;
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
        standIn?.connected();
      });
      recovery = watchIceRecovery(connection, {
        restarts: role === 'caller',
        onPathChange: (state) => notify({ target: 'background', type: 'media-connection', state }),
      });
      if (role === 'caller') {
        // Channel and tracks in one task, so negotiation needs only one offer.
        void captured.then(() => {
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

    release() {
      answerPolicy?.release();
    },

    receive(data) {
      if (data.kind === 'description' && data.description.type === 'answer') {
        markSetupStep('answer-received');
        hurryStandIn();
      }
      if (peer) void peer.receive(data);
      else inbox.push(data);
    },

    async setLocalMedia(next) {
      const cameraChanged = next.camera !== local.camera;
      local = next;
      for (const track of streams.local.getAudioTracks()) track.enabled = next.mic;
      if (cameraChanged) {
        await captured;
        await endStandIn();
        if (next.camera) await turnCameraOn();
        else turnCameraOff();
      }
      sendMediaState();
      changed();
    },

    async retryMedia() {
      await captured;
      const have = { mic: streams.local.getAudioTracks().length > 0, camera: streams.local.getVideoTracks().length > 0 };
      const missing = { mic: local.mic && !have.mic, camera: local.camera && !have.camera };
      const more = await captureLocalMedia(missing, await deviceIds());
      for (const track of more.stream.getTracks()) streams.local.addTrack(track);
      void devices?.adopt();
      if (pc) attachLocalTracks(pc);
      sendMediaState();
      changed();
    },

    chatAndFiles: () => chatAndFiles,

    async shareTab(streamId) {
      let stream: MediaStream;
      try {
        stream = await captureShare('tab', streamId, true);
      } catch (error) {
        notify({ target: 'background', type: 'share-failed', message: captureFailure(error) });
        return;
      }
      if (await this.shareStream(stream)) hearSharedTab(new MediaStream(stream.getAudioTracks()));
    },

    async shareStream(stream) {
      if (!pc || stopped) {
        for (const track of stream.getTracks()) track.stop();
        notify({ target: 'background', type: 'share-failed', message: 'The call is not connected yet.' });
        return false;
      }
      // The old share keeps going until the new one is in place: a switch shows no gap.
      const old = streams.localShare.getTracks();
      hearSharedTab(null);
      for (const track of stream.getTracks()) {
        streams.localShare.addTrack(track);
        // Closing the tab ends its tracks; so does Chrome's own "Stop sharing". (Navigating to chrome:// does not, in Chromium 156.)
        track.onended = () => {
          if (streams.localShare.getTrackById(track.id)) notify({ target: 'background', type: 'share-ended' });
        };
      }
      shareSender ??= createShareSender(pc, streams.localShare, (what, error) => console.warn(`[PeerDial] ${what}`, error));
      sendShareState();
      await shareSender.send(stream);
      for (const track of old) {
        track.onended = null;
        track.stop();
        streams.localShare.removeTrack(track);
      }
      notify({ target: 'background', type: 'share-started' });
      changed();
      return true;
    },

    async stopShare() {
      hearSharedTab(null);
      releaseShareTracks();
      sendShareState();
      await shareSender?.stop();
      changed();
    },

    async setDevices(next) {
      // Before its media starts, a session has nothing to switch: the worker's remembered choice starts it.
      if (!devices) return;
      await captured;
      await endStandIn();
      await devices.choose(next);
    },

    stop() {
      stopped = true;
      void endStandIn();
      devices?.stop();
      chatAndFiles?.stop();
      hearSharedTab(null);
      releaseShareTracks();
      for (const track of [...streams.local.getTracks(), ...streams.remote.getTracks(), ...streams.remoteShare.getTracks()]) {
        track.stop();
        streams.local.removeTrack(track);
        streams.remote.removeTrack(track);
        streams.remoteShare.removeTrack(track);
      }
      clearInterval(heartbeat);
      recovery?.stop();
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
    for (const sender of pc?.getSenders() ?? []) if (isVideoSender(sender)) void sender.replaceTrack(null);
  }

  async function turnCameraOn(): Promise<void> {
    const track = await captureCamera((await deviceIds()).camera);
    if (!track || stopped) return;
    streams.local.addTrack(track);
    void devices?.adopt();
    const sender = pc?.getSenders().find(isVideoSender);
    // Same transceiver, new track: the other side sees the picture return without renegotiation.
    if (sender) await sender.replaceTrack(track);
    else if (pc) pc.addTrack(track, streams.local);
  }

  /** The camera's sender: a video sender that is not the share's. */
  function isVideoSender(sender: RTCRtpSender): boolean {
    if (shareSender?.owns(sender)) return false;
    const transceiver = pc?.getTransceivers().find((t) => t.sender === sender);
    return transceiver?.receiver.track.kind === 'video';
  }
}
