/**
 * Camera and microphone capture. Asks for both, and when that fails falls back
 * to what is available, so a call still works with only a microphone, only a
 * camera, or nothing (receive only). Says what was missing and why.
 */
import type { MediaFlags } from '../shared/call-state';

import type { ShortfallReason } from '../shared/describe-media';

export interface Capture {
  stream: MediaStream;
  got: MediaFlags;
  /** What kept capture from getting everything; the worker puts it in words (this document has no i18n). */
  shortfall: ShortfallReason | null;
}

function classify(error: unknown): ShortfallReason {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'other';
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
      if (single instanceof MediaStream) return { stream: single, got: only, shortfall: reason };
    }
  }
  const none = { mic: false, camera: false };
  return { stream: new MediaStream(), got: none, shortfall: reason };
}

/**
 * `exact`: Chromium ignores an `ideal` device id and gives the default
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
