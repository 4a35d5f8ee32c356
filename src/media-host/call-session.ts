/**
 * One call in the media host (the offscreen document, or the guest page): the
 * call engine (src/call/) with capture around it. Here the camera and microphone are
 * captured, from the devices the worker remembers; a callee's camera runs
 * while a page shows the incoming call (ring-preview.ts) and joins the
 * answered transceivers at once, so the encoder is ready before the
 * transport is; and the engine's events become the call controller's
 * messages.
 */
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import type { IceServer, SignalData } from '../shared/protocol';
import type { DeviceChoice } from '../shared/devices';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { markSetupStep } from '../shared/setup-marks';
import { type CallEvent, createCallEngine } from '../call/call-engine';
import type { ChatAndFilesSession, ReceivedFiles } from '../call/chat-and-files';
import { type CallDevices, startCallDevices } from './call-devices';
import { firstPicturesMoved } from './first-pictures';
import { captureCamera, captureLocalMedia, type DeviceIds } from './local-media';
import { ringPreview } from './ring-preview';
import type { Speaker } from './speaker';
import { iceTransportPolicy } from './transport-policy';

/**
 * A callee's microphone opens once the first picture has gone each way, not at Accept: opening one (the device, the
 * audio service, echo cancellation) takes tens of ms of CPU on a fast machine and seconds on a loaded one, and
 * there it held back the encoders and decoders of the first frames. The callee waits for its camera's first frame
 * to be sent and the caller's first frame to be decoded, at most this long after the transport is up: the caller
 * hears it that much later and sees it that much sooner. A caller's microphone opens right after its camera, while
 * it rings, so the caller is heard the moment the other side answers.
 */
const MIC_WAIT_LIMIT_MS = 1500;
/** How often the wait looks at the video sender's and receiver's counters (a getStats each, the two alone). */
const MIC_WAIT_POLL_MS = 40;

export interface CallSession {
  /** Starts the camera and microphone, from the chosen devices: on dialling, or for a callee on Accept. Once per session. */
  startMedia: (want: MediaFlags, choice: DeviceChoice) => void;
  /** A callee's session prepared while it rang, its call's media not started yet. */
  awaitingMedia: () => boolean;
  /**
   * While it rings, the camera alone, for the callee to see; startMedia takes
   * it as the call's camera. Off, or after startMedia, changes nothing
   * already started.
   */
  preview: (on: boolean, choice: DeviceChoice) => void;
  /** Builds the peer connection; `prepared` (a callee while it rings) holds its answer until gathering ends or `release()`. */
  connect: (role: Role, iceServers: IceServer[], options?: { prepared?: boolean }) => void;
  /** The accept is going: a held answer goes now, gathering complete or not. */
  release: () => void;
  /** A relay credential granted after connect (see CallEngine.useRelay). */
  useRelay: (iceServers: IceServer[], renewal: boolean) => void;
  receive: (data: SignalData) => void;
  setLocalMedia: (local: MediaFlags) => Promise<void>;
  retryMedia: () => Promise<void>;
  /** Chat and files, once the control channel exists. */
  chatAndFiles: () => ChatAndFilesSession | null;
  /** Shares a capture, replacing whatever was shared; true once it is sent. */
  shareStream: (stream: MediaStream) => Promise<boolean>;
  stopShare: () => Promise<void>;
  /** The user chose another microphone, camera or speaker: switch now, mute and share untouched. */
  setDevices: (choice: DeviceChoice) => Promise<void>;
  stop: () => void;
}

export interface CallSessionDeps {
  notify: (message: BackgroundMessage) => void;
  /** A track came or went: visible pages re-render. */
  changed: () => void;
  /** Plays the shared tab's own sound back to the sharer (capture mutes the tab), or stops it with null. */
  hearSharedTab: (sound: MediaStream | null) => void;
  /** Where the call is heard. */
  speaker: Speaker;
  /** Where received files go, and how they reach the person (the extension's Downloads, a page's link). */
  receivedFiles: ReceivedFiles;
}

export function startCallSession(streams: CallStreams, deps: CallSessionDeps): CallSession {
  const { notify, changed, hearSharedTab } = deps;
  let local: MediaFlags = { mic: false, camera: false };
  let mediaStarted = false;
  /** connect() has built the engine's connection. */
  let built = false;
  let stopped = false;
  let markCaptured: () => void = () => {};
  /** Capture is done (whatever it got); never settles for a prepared ring that is declined, which is then dropped whole. */
  const captured = new Promise<void>((resolve) => (markCaptured = resolve));
  let markConnected: () => void = () => {};
  const transportUp = new Promise<void>((resolve) => (markConnected = resolve));
  /** The call's devices, from when its media starts (a callee's prepared ring captures nothing). */
  let devices: CallDevices | null = null;
  const deviceIds = (): Promise<DeviceIds> => devices?.ids() ?? Promise.resolve({ mic: null, camera: null });
  let previewing = false;
  let role: Role | null = null;
  /** What the other side last announced of its camera: coming until it says otherwise. */
  let theirCamera = true;

  const engine = createCallEngine({
    signalling: { send: (data) => notify({ target: 'background', type: 'signal-out', data }) },
    streams,
    media: { captured, wants: () => local },
    files: deps.receivedFiles,
    onEvent,
    log: (what, detail) => console.warn(`[PeerDial] ${what}`, detail),
  });

  function onEvent(event: CallEvent): void {
    switch (event.type) {
      case 'changed':
        return changed();
      case 'connected':
        return markConnected();
      case 'remote-media':
        theirCamera = event.media.camera;
        return notify({ target: 'background', ...event });
      case 'media-connection':
      case 'share-started':
      case 'share-ended':
      case 'share-failed':
      case 'chat-and-files':
        return notify({ target: 'background', ...event });
    }
  }

  const preview = ringPreview({
    local: streams.local,
    // On the caller's or the answered transceiver now, so its encoder is ready when the transport is; nothing can
    // leave before then. A callee's transceivers exist only once it has answered.
    added() {
      if (role === 'caller' || engine.answered()) engine.sendLocalTracks();
    },
    changed,
    stopped: () => stopped,
  });

  function callDevices(choice: DeviceChoice): CallDevices {
    devices ??= startCallDevices(choice, {
      local: streams.local,
      speaker: deps.speaker,
      pc: () => engine.pc(),
      wants: () => local,
      notify,
      // A microphone unplugged with none to take over is a microphone off, for the other side too.
      changed: () => {
        engine.announceMedia();
        changed();
      },
    });
    return devices;
  }

  function stopPreview(): void {
    preview.stop();
  }

  /**
   * The camera first, then the microphone: once the first picture has moved for a callee whose camera showed while
   * it rang (see MIC_WAIT_LIMIT_MS), right after the camera otherwise. A camera the preview already has counts: a
   * callee's from its ring, a caller's started here.
   */
  function capture(want: MediaFlags): void {
    const previewedWhileRinging = previewing;
    if (want.camera && !previewing) {
      previewing = true;
      preview.start(deviceIds());
    }
    void Promise.all([preview.capture(), deviceIds()]).then(async ([previewed, ids]) => {
      if (previewed && want.mic && previewedWhileRinging) {
        await transportUp;
        const pc = engine.pc();
        if (pc) await firstPicturesMoved(pc, { theirCamera: () => theirCamera, limitMs: MIC_WAIT_LIMIT_MS, pollMs: MIC_WAIT_POLL_MS, stopped: () => stopped });
        if (stopped) return;
      }
      const result = await captureLocalMedia(previewed ? { ...want, camera: false } : want, ids);
      const got = previewed ? { ...result.got, camera: true } : result.got;
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

  // Camera off must turn the camera light off: stop the track, not just disable it.
  function turnCameraOff(): void {
    for (const track of streams.local.getVideoTracks()) {
      track.stop();
      streams.local.removeTrack(track);
    }
    void engine.sendCamera(null);
  }

  async function turnCameraOn(): Promise<void> {
    const track = await captureCamera((await deviceIds()).camera);
    if (!track || stopped) return;
    streams.local.addTrack(track);
    void devices?.adopt();
    await engine.sendCamera(track);
  }

  return {
    startMedia(want, choice) {
      if (mediaStarted || stopped) return;
      mediaStarted = true;
      local = want;
      callDevices(choice);
      if (!want.camera) stopPreview();
      capture(want);
    },

    awaitingMedia: () => !mediaStarted && !stopped,

    preview(on, choice) {
      if (mediaStarted || stopped || on === previewing) return;
      previewing = on;
      if (on) preview.start(callDevices(choice).ids());
      else stopPreview();
    },

    connect(asRole, iceServers, options = {}) {
      if (built || stopped) return;
      built = true;
      role = asRole;
      engine.connect(asRole, iceServers, { holdAnswer: options.prepared, iceTransportPolicy: iceTransportPolicy() });
    },

    release: () => engine.release(),

    useRelay: (iceServers, renewal) => engine.useRelay(iceServers, renewal),

    receive: (data) => engine.receive(data),

    async setLocalMedia(next) {
      const cameraChanged = next.camera !== local.camera;
      local = next;
      for (const track of streams.local.getAudioTracks()) track.enabled = next.mic;
      if (cameraChanged) {
        await captured;
        if (next.camera) await turnCameraOn();
        else turnCameraOff();
      }
      engine.announceMedia();
      changed();
    },

    async retryMedia() {
      await captured;
      const have = { mic: streams.local.getAudioTracks().length > 0, camera: streams.local.getVideoTracks().length > 0 };
      const missing = { mic: local.mic && !have.mic, camera: local.camera && !have.camera };
      const more = await captureLocalMedia(missing, await deviceIds());
      for (const track of more.stream.getTracks()) streams.local.addTrack(track);
      void devices?.adopt();
      engine.sendLocalTracks();
      engine.announceMedia();
      changed();
    },

    chatAndFiles: () => engine.chatAndFiles(),

    shareStream(stream) {
      // The sound of a tab shared before stops with it; a new tab's starts once it is sent.
      if (built && !stopped) hearSharedTab(null);
      return engine.shareStream(stream);
    },

    async stopShare() {
      hearSharedTab(null);
      await engine.stopShare();
    },

    async setDevices(next) {
      // Before its media starts, a session has nothing to switch: the worker's remembered choice starts it.
      if (!devices) return;
      await captured;
      await devices.choose(next);
    },

    stop() {
      stopped = true;
      devices?.stop();
      hearSharedTab(null);
      engine.stop();
    },
  };
}
