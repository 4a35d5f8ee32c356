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

/** Captures as much of `want` as the browser allows. */
export async function captureLocalMedia(want: MediaFlags): Promise<Capture> {
  if (!want.mic && !want.camera) return { stream: new MediaStream(), got: want, shortfall: null };
  const both = await tryCapture({ audio: want.mic, video: want.camera && cameraConstraints() });
  if (both instanceof MediaStream) return { stream: both, got: want, shortfall: null };
  const reason = classify(both);
  // Permission refused covers both devices; anything else may be one device at fault.
  if (reason !== 'permission' && want.mic && want.camera) {
    for (const only of [{ mic: true, camera: false }, { mic: false, camera: true }]) {
      const single = await tryCapture({ audio: only.mic, video: only.camera && cameraConstraints() });
      if (single instanceof MediaStream) return { stream: single, got: only, shortfall: reason };
    }
  }
  const none = { mic: false, camera: false };
  return { stream: new MediaStream(), got: none, shortfall: reason };
}

/** 640x480 is what a popup or side panel shows; more would cost the uplink for nothing. */
export function cameraConstraints(): MediaTrackConstraints {
  return { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };
}

export async function captureCamera(): Promise<MediaStreamTrack | null> {
  const stream = await tryCapture({ video: cameraConstraints() });
  return stream instanceof MediaStream ? (stream.getVideoTracks()[0] ?? null) : null;
}
