/**
 * Camera and microphone capture. Asks for both, and when that fails falls back
 * to what is available, so a call still works with only a microphone, only a
 * camera, or nothing (receive only). Says in words what was missing and why.
 */
import type { MediaFlags } from '../shared/call-state';

export type ShortfallReason = 'permission' | 'no-device' | 'busy' | 'other';

export interface Capture {
  stream: MediaStream;
  got: MediaFlags;
  shortfall: { reason: ShortfallReason; message: string } | null;
}

function classify(error: unknown): ShortfallReason {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'other';
}

function explain(reason: ShortfallReason, got: MediaFlags): string {
  const still = got.mic ? 'The call continues with your microphone only.' : got.camera ? 'The call continues with your camera only.' : 'You can still see and hear the other person.';
  switch (reason) {
    case 'permission':
      return `PeerDial may not use your camera and microphone yet. Allow them in the PeerDial tab that just opened. ${still}`;
    case 'no-device':
      return `No camera or microphone was found. ${still}`;
    case 'busy':
      return `Your camera or microphone is in use by another program. ${still}`;
    case 'other':
      return `Your camera or microphone could not be started. ${still}`;
  }
}

async function tryCapture(constraints: MediaStreamConstraints): Promise<MediaStream | DOMException> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    return error instanceof DOMException ? error : new DOMException(String(error));
  }
}

/** The device to ask for, per kind; null leaves the choice to the browser (the default). */
export interface DeviceIds {
  mic: string | null;
  camera: string | null;
}

const DEFAULT_DEVICES: DeviceIds = { mic: null, camera: null };

/** Captures as much of `want` as the browser allows, from these devices (which must be connected: see CallDevices.ids). */
export async function captureLocalMedia(want: MediaFlags, devices: DeviceIds = DEFAULT_DEVICES): Promise<Capture> {
  if (!want.mic && !want.camera) return { stream: new MediaStream(), got: want, shortfall: null };
  const audio = micConstraints(devices.mic);
  const video = cameraConstraints(devices.camera);
  const both = await tryCapture({ audio: want.mic && audio, video: want.camera && video });
  if (both instanceof MediaStream) return { stream: both, got: want, shortfall: null };
  const reason = classify(both);
  // A chosen device busy or unplugged since it was listed: the default beats none (CallDevices says which one is used).
  if (reason !== 'permission' && (devices.mic || devices.camera)) return captureLocalMedia(want);
  // Permission refused covers both devices; anything else may be one device at fault.
  if (reason !== 'permission' && want.mic && want.camera) {
    for (const only of [{ mic: true, camera: false }, { mic: false, camera: true }]) {
      const single = await tryCapture({ audio: only.mic && audio, video: only.camera && video });
      if (single instanceof MediaStream) return { stream: single, got: only, shortfall: { reason, message: explain(reason, only) } };
    }
  }
  const none = { mic: false, camera: false };
  return { stream: new MediaStream(), got: none, shortfall: { reason, message: explain(reason, none) } };
}

/**
 * `exact`: Chromium 156 ignores an `ideal` device id and gives the default
 * (checked with its fake cameras), so a device is asked for only once it is
 * known to be connected, and by name.
 */
function deviceConstraint(deviceId: string | null): MediaTrackConstraints {
  return deviceId ? { deviceId: { exact: deviceId } } : {};
}

export function micConstraints(deviceId: string | null): MediaTrackConstraints {
  return deviceConstraint(deviceId);
}

/** 640x480 is what a popup or side panel shows; more would cost the uplink for nothing. */
export function cameraConstraints(deviceId: string | null = null): MediaTrackConstraints {
  return { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 }, ...deviceConstraint(deviceId) };
}

export async function captureCamera(deviceId: string | null): Promise<MediaStreamTrack | null> {
  const stream = await tryCapture({ video: cameraConstraints(deviceId) });
  return stream instanceof MediaStream ? (stream.getVideoTracks()[0] ?? null) : null;
}

/** One device, for a switch mid-call; the browser's error comes back for the user to read. */
export async function captureDevice(kind: 'mic' | 'camera', deviceId: string | null): Promise<MediaStreamTrack | DOMException> {
  const stream = await tryCapture(kind === 'mic' ? { audio: micConstraints(deviceId) } : { video: cameraConstraints(deviceId) });
  if (!(stream instanceof MediaStream)) return stream;
  return stream.getTracks()[0] ?? new DOMException('The browser gave no track.', 'NotFoundError');
}
