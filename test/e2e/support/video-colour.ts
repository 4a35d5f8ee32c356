/**
 * Telling cameras apart by what their pictures look like, in any engine: the
 * page function runs inside the page (Firefox over BiDi or Chromium over
 * Playwright), the judging runs here.
 *
 * The extension's camera in these tests is a flat colour (flat-camera.ts),
 * still forever. A guest's camera is its browser's own fake: Firefox's is a
 * flat colour whose hue drifts frame by frame, with a strip of digits along
 * the top; Chromium's is a test pattern with a turning pie. So the guest
 * checks it sees the host's exact colour, and the host checks it sees
 * something that is not that colour, not black, and moving.
 */
import type { Rgb } from './pattern-page';

export type { Rgb };

/** Where to look in a frame: a 4x4 grid clear of the edges and of Firefox's strip of digits along the top. */
export const FRAME_GRID: [number, number][] = [0.2, 0.4, 0.6, 0.8].flatMap((y) => [0.2, 0.4, 0.6, 0.8].map((x): [number, number] => [x, y]));

export interface VideoFrame {
  width: number;
  height: number;
  /** The video's playback clock, which only advances while frames arrive. */
  time: number;
  /** The colour at each of the points asked for, in order. */
  colours: Rgb[];
}

/**
 * Runs in the page: the frame the video labelled `label` shows now, or null
 * when there is no such video or it has no frame yet. Self-contained, as the
 * page gets only its source text.
 */
export function readVideoFrame({ label, points }: { label: string; points: [number, number][] }): VideoFrame | null {
  const video = [...document.querySelectorAll('video')].find((candidate) => candidate.getAttribute('aria-label') === label);
  if (!video || video.videoWidth === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(video, 0, 0);
  const colours = points.map(([x, y]): [number, number, number] => {
    const [r = 0, g = 0, b = 0] = context.getImageData(Math.floor(x * canvas.width), Math.floor(y * canvas.height), 1, 1).data;
    return [r, g, b];
  });
  return { width: video.videoWidth, height: video.videoHeight, time: video.currentTime, colours };
}

/** The RGB a full-range ("C420jpeg") Y'CbCr colour shows as (BT.601, as both engines decode a camera's frames). */
export function rgbFromYCbCr([y, cb, cr]: [number, number, number]): Rgb {
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  return [clamp(y + 1.402 * (cr - 128)), clamp(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)), clamp(y + 1.772 * (cb - 128))];
}

/** The largest difference in any one channel. */
export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.max(...a.map((channel, i) => Math.abs(channel - b[i]!)));
}

/**
 * How far a decoded colour may drift from the one sent: video codecs, range
 * conversions and scaling move a flat colour by a few steps per channel,
 * never by this much.
 */
export const SAME_COLOUR = 30;

/** Every point shows this colour: the flat camera, as the other side receives it. */
export function showsFlatColour(frame: VideoFrame, colour: Rgb): boolean {
  return frame.colours.every((seen) => colourDistance(seen, colour) <= SAME_COLOUR);
}

/** Some point is lit, and most do not show this colour: a picture that is neither dark nor the flat camera. */
export function showsOtherPicture(frame: VideoFrame, notColour: Rgb): boolean {
  const lit = frame.colours.some((seen) => Math.max(...seen) > 60);
  const unlike = frame.colours.filter((seen) => colourDistance(seen, notColour) > SAME_COLOUR).length;
  return lit && unlike > frame.colours.length / 2;
}

/** Some point changed colour between two frames: the picture moves. */
export function moved(before: VideoFrame, after: VideoFrame): boolean {
  return before.colours.some((colour, i) => colourDistance(colour, after.colours[i]!) > SAME_COLOUR / 2);
}
