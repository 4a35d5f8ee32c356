/**
 * Capturing what the user chose to share, from the capture id the worker got
 * (tabCapture for a tab, desktopCapture for a screen or window). Only the
 * worker can ask Chrome for the id; only a document can turn it into tracks,
 * through Chrome's own constraints: the offscreen document for a tab, the
 * screen picker's page for a screen.
 */
import { DEFAULT_SHARE_SIZE, SHARE_MAX_FRAME_RATE } from '../call/share-media';

export type ShareCaptureKind = 'tab' | 'desktop';

/** Chrome's legacy constraints are the only way to name a capture id; the typings do not know them. */
function sourceConstraints(kind: ShareCaptureKind, streamId: string, extra: Record<string, number> = {}): MediaTrackConstraints {
  return { mandatory: { chromeMediaSource: kind, chromeMediaSourceId: streamId, ...extra } } as unknown as MediaTrackConstraints;
}

export async function captureShare(kind: ShareCaptureKind, streamId: string, audio: boolean): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({
    // Only maxima: the frame follows the tab's own size and shape, shrunk to fit 1080p but never letterboxed.
    video: sourceConstraints(kind, streamId, {
      // A range, not a size: Chrome then follows the tab's own shape instead of letterboxing it into the maximum.
      minWidth: 2,
      minHeight: 2,
      maxWidth: DEFAULT_SHARE_SIZE.width,
      maxHeight: DEFAULT_SHARE_SIZE.height,
      maxFrameRate: SHARE_MAX_FRAME_RATE,
    }),
    audio: audio ? sourceConstraints(kind, streamId) : false,
  });
  for (const track of stream.getVideoTracks()) track.contentHint = 'detail';
  return stream;
}

/** Why capture failed, close to Chrome's words so the worker can explain them. */
export function captureFailure(error: unknown): string {
  if (error instanceof DOMException) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
