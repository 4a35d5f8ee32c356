/**
 * Sharing the screen from a plain page: the browser's own picker
 * (getDisplayMedia), which every desktop browser has and phones do not. It
 * opens only inside a click, so the capture starts before anything awaits.
 */
import { DEFAULT_SHARE_SIZE, SHARE_MAX_FRAME_RATE } from '../call/share-media';

export function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

export function captureScreen(): Promise<MediaStream> {
  if (!canShareScreen()) return Promise.reject(new DOMException('This browser cannot share a screen.', 'NotSupportedError'));
  return navigator.mediaDevices
    .getDisplayMedia({
      video: { width: { max: DEFAULT_SHARE_SIZE.width }, height: { max: DEFAULT_SHARE_SIZE.height }, frameRate: { max: SHARE_MAX_FRAME_RATE } },
      audio: false,
    })
    .then((stream) => {
      for (const track of stream.getVideoTracks()) track.contentHint = 'detail';
      return stream;
    });
}
