/**
 * One call's microphone, camera and speaker in the offscreen document. Capture
 * starts with the remembered devices; a switch mid-call captures the new
 * device and hands it to the same sender with replaceTrack (no renegotiation:
 * the other side's picture keeps going), then stops the old one; a device
 * that is unplugged gives way to the default, and one plugged back in is
 * taken up again. Only this document may read device names, so it lists them
 * and reports the lists and what it uses to the worker, which shows them.
 */
import {
  chooseDevice,
  type Device,
  type DeviceChoice,
  type DeviceKind,
  type DeviceLists,
  type DevicesInUse,
  describeFallback,
  describeReturn,
  describeSwitchFailure,
  describeUnplugged,
  kindsToSwitch,
  listDevices,
  NO_DEVICES,
} from '../shared/devices';
import type { Wording } from '../shared/wording';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { captureDevice, type DeviceIds } from './local-media';
import { DEFAULT_SPEAKER, type Speaker } from './speaker';

type CaptureKind = 'mic' | 'camera';

export interface CallDevicesDeps {
  /** Our camera and microphone tracks (streams.local): at most one of each. */
  local: MediaStream;
  speaker: Speaker;
  /** The call's peer connection, once there is one. */
  pc: () => RTCPeerConnection | null;
  /** A new microphone keeps the call's mute; a camera turned off meanwhile stays off. */
  wants: () => { mic: boolean; camera: boolean };
  notify: (message: BackgroundMessage) => void;
  changed: () => void;
}

export interface CallDevices {
  /** The devices capture should ask for now: the chosen ones that are connected, else the defaults. */
  ids: () => Promise<DeviceIds>;
  /** Capture is done (or the camera came back on): follow its tracks and tell the worker what the call uses. */
  adopt: () => Promise<void>;
  /** The user chose again: switch what differs. */
  choose: (choice: DeviceChoice) => Promise<void>;
  stop: () => void;
}

export function startCallDevices(initial: DeviceChoice, deps: CallDevicesDeps): CallDevices {
  const { local, speaker, notify } = deps;
  let choice = initial;
  let lists: DeviceLists = NO_DEVICES;
  /** The camera to use while it is off: the last one used, or the one chosen meanwhile. */
  let cameraId: string | null = choice.camera?.id ?? null;
  /** Each missing remembered device is reported once a call, not at every camera-on. */
  const reported = new Set<DeviceKind>();
  const watched = new WeakSet<MediaStreamTrack>();
  let stopped = false;
  const listening = new AbortController();

  const tell = (wording: Wording) => notify({ target: 'background', type: 'device-notice', wording });
  const track = (kind: CaptureKind) => (kind === 'mic' ? local.getAudioTracks()[0] : local.getVideoTracks()[0]);

  /** The system's output as the list names it ("Default - Speakers"). */
  const defaultSpeaker = () => lists.speaker.find((device) => device.id === DEFAULT_SPEAKER) ?? { id: DEFAULT_SPEAKER, label: '' };

  function inUse(): DevicesInUse {
    const mic = track('mic')?.getSettings().deviceId ?? null;
    const camera = track('camera')?.getSettings().deviceId ?? cameraId;
    return { mic, camera, speaker: speaker.supported ? speaker.current() : null };
  }

  async function relist(): Promise<void> {
    const found = listDevices(await navigator.mediaDevices.enumerateDevices());
    lists = speaker.supported ? found : { ...found, speaker: [] };
  }

  function report(): void {
    if (!stopped) notify({ target: 'background', type: 'devices', lists, inUse: inUse() });
  }

  function follow(next: MediaStreamTrack): void {
    if (watched.has(next)) return;
    watched.add(next);
    // 'ended' fires when the device goes away (unplugged, taken by the system), never for our own stop().
    next.addEventListener('ended', () => void unplugged(next));
  }

  /**
   * Captures the device and puts it where the old track was, in the stream
   * and in its sender: replaceTrack keeps the transceiver, so nothing is
   * renegotiated. The old track stops only once the new one is sent.
   */
  async function swap(kind: CaptureKind, deviceId: string | null): Promise<MediaStreamTrack | DOMException | null> {
    const old = track(kind);
    const next = await captureDevice(kind, deviceId);
    if (next instanceof DOMException) return next;
    if (stopped || (kind === 'camera' && !deps.wants().camera)) {
      next.stop();
      return null;
    }
    if (kind === 'mic') next.enabled = deps.wants().mic;
    // Before capture finished attaching, the old track may have no sender yet: attaching then takes the new one.
    const sender = old && deps.pc()?.getSenders().find((candidate) => candidate.track === old);
    await sender?.replaceTrack(next);
    if (old) {
      local.removeTrack(old);
      old.stop();
    }
    local.addTrack(next);
    follow(next);
    if (kind === 'camera') cameraId = next.getSettings().deviceId ?? deviceId;
    deps.changed();
    return next;
  }

  /** True once the call uses the wanted device (or will, when the camera comes back on). */
  async function switchCapture(kind: CaptureKind, wanted: NonNullable<DeviceChoice[CaptureKind]>): Promise<boolean> {
    if (kind === 'camera' && !track('camera')) {
      // The camera is off: the choice applies when it turns on.
      cameraId = wanted.id;
      return true;
    }
    if (!track(kind)) return false;
    const result = await swap(kind, wanted.id);
    if (result instanceof DOMException) tell(describeSwitchFailure(wanted, result.name));
    return result instanceof MediaStreamTrack;
  }

  async function switchSpeaker(wanted: NonNullable<DeviceChoice['speaker']>): Promise<boolean> {
    try {
      await speaker.use(wanted.id);
      return true;
    } catch (error) {
      tell(describeSwitchFailure(wanted, error instanceof DOMException ? error.name : ''));
      return false;
    }
  }

  const switchTo = (kind: DeviceKind, wanted: Device) => (kind === 'speaker' ? switchSpeaker(wanted) : switchCapture(kind, wanted));

  async function unplugged(gone: MediaStreamTrack): Promise<void> {
    if (stopped || !local.getTrackById(gone.id)) return;
    const kind: CaptureKind = gone.kind === 'audio' ? 'mic' : 'camera';
    await relist();
    const replacement = await swap(kind, null);
    if (replacement instanceof DOMException) {
      // Nothing to take over: the call goes on without it, and the other side is told by the sender going quiet.
      local.removeTrack(gone);
      await deps.pc()?.getSenders().find((sender) => sender.track === gone)?.replaceTrack(null);
      deps.changed();
      tell(describeUnplugged(kind, asDevice(gone), null));
    } else if (replacement) {
      tell(describeUnplugged(kind, asDevice(gone), asDevice(replacement)));
    }
    report();
  }

  /** A device came or went: relist, move sound off a vanished speaker, and take up a remembered device that is back. */
  async function devicesChanged(): Promise<void> {
    const before = lists;
    await relist();
    const output = speaker.current();
    if (speaker.supported && output !== DEFAULT_SPEAKER && !lists.speaker.some((device) => device.id === output)) {
      await speaker.use(DEFAULT_SPEAKER).catch(() => undefined);
      const lost = before.speaker.find((device) => device.id === output) ?? { id: output, label: '' };
      tell(describeUnplugged('speaker', lost, defaultSpeaker()));
    }
    for (const kind of kindsToSwitch(choice, inUse())) {
      const wanted = choice[kind]!;
      if (!chooseDevice(wanted, lists[kind]).id) continue;
      if (await switchTo(kind, wanted)) tell(describeReturn(wanted));
    }
    report();
  }

  navigator.mediaDevices.addEventListener('devicechange', () => void devicesChanged().catch(warn), { signal: listening.signal });

  return {
    async ids() {
      await relist();
      return { mic: chooseDevice(choice.mic, lists.mic).id, camera: lists.camera.some((device) => device.id === cameraId) ? cameraId : null };
    },

    async adopt() {
      await relist();
      if (stopped) return;
      for (const kind of ['mic', 'camera'] as const) {
        const captured = track(kind);
        if (!captured) continue;
        follow(captured);
        const wanted = choice[kind];
        if (kind === 'camera') cameraId = captured.getSettings().deviceId ?? cameraId;
        // A remembered device that is missing (or failed to start) gave the default, which the user should hear about.
        if (wanted && captured.getSettings().deviceId !== wanted.id && !reported.has(kind)) {
          reported.add(kind);
          tell(describeFallback(wanted, asDevice(captured)));
        }
      }
      if (speaker.supported && choice.speaker && !reported.has('speaker')) {
        reported.add('speaker');
        const { id } = chooseDevice(choice.speaker, lists.speaker);
        if (id) await switchSpeaker(choice.speaker);
        else tell(describeFallback(choice.speaker, defaultSpeaker()));
      }
      report();
    },

    async choose(next) {
      choice = next;
      for (const kind of kindsToSwitch(choice, inUse())) await switchTo(kind, choice[kind]!);
      report();
    },

    stop() {
      stopped = true;
      listening.abort();
    },
  };
}

function asDevice(track: MediaStreamTrack): Device {
  return { id: track.getSettings().deviceId ?? '', label: track.label };
}

function warn(error: unknown): void {
  console.warn('[PeerDial] devices', error);
}
