/**
 * The callee's camera and microphone while it rings: the camera for the
 * callee to see before Accept, the microphone opened but silent (disabled)
 * so that Accept opens no device. Opening a microphone (the audio service,
 * echo cancellation) takes seconds of a scarce core, and done after Accept
 * it held up the first frames each way. Nothing leaves this browser before
 * Accept either way: the answer that would let the caller reach us is held
 * until then.
 *
 * Each start or stop makes captures still under way stale, so a page opened
 * and closed quickly leaves no device running. A preview that fails shows
 * nothing and says nothing: Accept captures what is missing, and reports
 * what it cannot get then.
 */
import type { MediaFlags } from '../shared/call-state';
import { captureLocalMedia, type DeviceIds } from './local-media';

export interface RingPreviewDeps {
  /** Our camera and microphone (streams.local). */
  local: MediaStream;
  /** The tracks are in `local`: they may go on the answered transceivers now. */
  added: () => void;
  changed: () => void;
  stopped: () => boolean;
}

export interface RingPreview {
  /** Captures the camera and the (silenced) microphone from the chosen devices. */
  start: (ids: Promise<DeviceIds>) => void;
  stop: () => void;
  /** What the preview captured, for Accept to take as the call's; nothing if none (or none yet wanted). */
  capture: () => Promise<MediaFlags>;
}

const NOTHING: MediaFlags = { mic: false, camera: false };

export function ringPreview(deps: RingPreviewDeps): RingPreview {
  let capture: Promise<MediaFlags> = Promise.resolve(NOTHING);
  let generation = 0;

  return {
    start(ids) {
      const mine = ++generation;
      capture = ids
        .then((chosen) => captureLocalMedia({ mic: true, camera: true }, chosen))
        .then(({ stream, got }) => {
          if (mine !== generation || deps.stopped()) {
            for (const track of stream.getTracks()) track.stop();
            return NOTHING;
          }
          for (const track of stream.getTracks()) {
            // Silent until Accept says whether the microphone is on.
            if (track.kind === 'audio') track.enabled = false;
            deps.local.addTrack(track);
          }
          if (got.mic || got.camera) {
            deps.added();
            deps.changed();
          }
          return got;
        });
    },
    stop() {
      generation += 1;
      capture = Promise.resolve(NOTHING);
      for (const track of deps.local.getTracks()) {
        track.stop();
        deps.local.removeTrack(track);
      }
      deps.changed();
    },
    capture: () => capture,
  };
}
