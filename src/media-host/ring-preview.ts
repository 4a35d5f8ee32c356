/**
 * The callee's camera while it rings, for the callee to see before Accept;
 * and a caller's camera, opened on its own before the microphone.
 * Each start or stop makes captures still under way stale, so a page opened
 * and closed quickly leaves no camera running. A preview that fails shows
 * nothing and says nothing: Accept captures again, and reports what is
 * missing then.
 */
import { markSetupStep } from '../shared/setup-marks';
import { captureCamera, type DeviceIds } from './local-media';

export interface RingPreviewDeps {
  /** Our camera and microphone (streams.local). */
  local: MediaStream;
  /** The camera is in `local`: it may go on the answered transceiver now. */
  added: () => void;
  changed: () => void;
  stopped: () => boolean;
}

export interface RingPreview {
  /** Captures the camera from the chosen devices. */
  start: (ids: Promise<DeviceIds>) => void;
  stop: () => void;
  /** The camera the preview captured, for Accept to take as the call's; null if none (or none yet wanted). */
  capture: () => Promise<MediaStreamTrack | null>;
}

export function ringPreview(deps: RingPreviewDeps): RingPreview {
  let capture: Promise<MediaStreamTrack | null> = Promise.resolve(null);
  let generation = 0;

  return {
    start(ids) {
      const mine = ++generation;
      capture = ids
        .then((chosen) => captureCamera(chosen.camera))
        .then((track) => {
          if (!track) return null;
          if (mine !== generation || deps.stopped()) {
            track.stop();
            return null;
          }
          markSetupStep('camera-captured');
          deps.local.addTrack(track);
          deps.added();
          deps.changed();
          return track;
        });
    },
    stop() {
      generation += 1;
      capture = Promise.resolve(null);
      for (const track of deps.local.getVideoTracks()) {
        track.stop();
        deps.local.removeTrack(track);
      }
      deps.changed();
    },
    capture: () => capture,
  };
}
