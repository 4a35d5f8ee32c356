/**
 * Until a call's transport is up, the sender of a camera sent while it rings
 * carries a stand-in: a track showing the camera's picture, fed from a
 * worker (frame-repeater.worker.ts). The reason is the first frame.
 * libwebrtc's encoder drops every frame it is given while the network is
 * down and keeps none of them (Chromium hands it native buffers, which it
 * does not hold), so once DTLS is done it waits for the camera's next frame:
 * up to a frame interval, 33 ms at 30 fps and 50 at the fake camera's 20.
 * Told the other side is connecting, the worker writes a fresh copy of the
 * latest picture every 10 ms, and the encoder has a frame within 10 ms of
 * resuming. The camera takes its sender back a second after the call
 * connects, past the set-up's busiest moment (the encoder reconfigures once
 * more then), and the worker ends. The stand-in's frames are sometimes not
 * encoded at all, for a reason not found: a stand-in whose sender has
 * encoded nothing shortly after connecting hands over to the camera at once.
 *
 * The stand-in follows the camera: the camera's picture is what it shows,
 * and a camera that ends ends it, its sender then holding the ended camera
 * as it would have without one.
 */

/** What the offscreen document tells the frame repeater. */
export type FrameRepeaterCommand =
  | { type: 'start'; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame> }
  | { type: 'hurry' }
  | { type: 'connected' };

// Chromium's breakout box (Insertable Streams for MediaStreamTrack), in a window: not in TypeScript's DOM library.
declare class MediaStreamTrackProcessor {
  constructor(init: { track: MediaStreamTrack });
  readonly readable: ReadableStream<VideoFrame>;
}
declare class MediaStreamTrackGenerator extends MediaStreamTrack {
  constructor(init: { kind: 'video' });
  readonly writable: WritableStream<VideoFrame>;
}

/** Past the set-up's busiest moment. */
const HAND_OVER_AFTER_CONNECTED_MS = 1_000;
/**
 * Time for libwebrtc to resume the encoder after DTLS and encode a first frame, on busy cores. A sender's stats
 * can lag its first frame (Chromium answers getStats from a cached result for 50 ms), so a stand-in can hand over
 * although its first frame has gone; that costs only the encoder's reconfiguration, sooner.
 */
const PROOF_AFTER_CONNECTED_MS = 80;

export interface CameraStandIn {
  /** The camera it stands in for. */
  readonly camera: MediaStreamTrack;
  /** What its sender carries meanwhile. */
  readonly track: MediaStreamTrack;
  /** The other side is connecting: the latest picture is written again and again once ICE is connected. */
  hurry: () => void;
  /** The call's transport is up: repeating stops soon after, and the camera takes over a second later (sooner if nothing was encoded). */
  connected: () => void;
  /** Gives the sender back to the camera (whichever of `pc`'s senders carries the stand-in) and stops. */
  end: () => Promise<void>;
}

/** A stand-in for `camera` on one of `pc`'s senders, or null where the browser has no breakout box (the camera is then sent itself). */
export function standInForCamera(camera: MediaStreamTrack, pc: RTCPeerConnection): CameraStandIn | null {
  if (typeof MediaStreamTrackProcessor === 'undefined' || typeof MediaStreamTrackGenerator === 'undefined') return null;
  // A copy of the camera feeds the processor: ending the stand-in must not end the camera.
  const source = camera.clone();
  const processor = new MediaStreamTrackProcessor({ track: source });
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const worker = new Worker(new URL('./frame-repeater.worker.ts', import.meta.url), { type: 'module' });
  const start: FrameRepeaterCommand = { type: 'start', readable: processor.readable, writable: generator.writable };
  worker.postMessage(start, [processor.readable, generator.writable]);
  let ending: Promise<void> | null = null;
  const carrier = () => pc.getSenders().find((sender) => sender.track === generator);

  async function finish(): Promise<void> {
    camera.removeEventListener('ended', onCameraEnded);
    pc.removeEventListener('iceconnectionstatechange', repeatOnceIceConnected);
    const sender = carrier();
    // Ended at once, so the sender counts as free to code that looks at it before the camera is back on it.
    worker.terminate();
    source.stop();
    generator.stop();
    try {
      // Asked for now, so a later replaceTrack of the same sender (the camera turned off, another camera) lands after it.
      await sender?.replaceTrack(camera);
    } catch {
      // The connection closed meanwhile: there is no sender left to give back.
    }
  }
  const end = () => (ending ??= finish());

  async function endUnlessEncoding(): Promise<void> {
    const sender = carrier();
    if (!sender) return;
    let encoded = 0;
    (await sender.getStats()).forEach((report: { type: string; framesEncoded?: number }) => {
      if (report.type === 'outbound-rtp') encoded += report.framesEncoded ?? 0;
    });
    if (encoded === 0) await end();
  }
  let repeating = false;
  function repeat(): void {
    pc.removeEventListener('iceconnectionstatechange', repeatOnceIceConnected);
    if (ending || repeating) return;
    repeating = true;
    worker.postMessage({ type: 'hurry' } satisfies FrameRepeaterCommand);
  }
  function repeatOnceIceConnected(): void {
    if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') repeat();
  }

  // An unplugged camera: its sender holds the ended camera, as it would have without a stand-in.
  const onCameraEnded = () => void end();
  camera.addEventListener('ended', onCameraEnded);

  return {
    camera,
    track: generator,
    hurry() {
      // Repeats before the transport is up are dropped unencoded: they start once ICE has a working pair, and
      // DTLS, a round trip or two on top, is all that remains before the encoder takes frames.
      pc.addEventListener('iceconnectionstatechange', repeatOnceIceConnected);
      repeatOnceIceConnected();
    },
    connected() {
      if (ending) return;
      repeat();
      worker.postMessage({ type: 'connected' } satisfies FrameRepeaterCommand);
      setTimeout(() => void endUnlessEncoding(), PROOF_AFTER_CONNECTED_MS);
      setTimeout(() => void end(), HAND_OVER_AFTER_CONNECTED_MS);
    },
    end,
  };
}
