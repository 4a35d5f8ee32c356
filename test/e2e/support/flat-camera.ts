/**
 * A camera that shows one flat colour and nothing else, as a y4m file for
 * Chromium's fake camera (`--use-file-for-fake-video-capture`, which loops
 * it): the stillest, simplest picture there is, which a codec sends in a few
 * bytes a frame once the first frame is through.
 */
import { writeFile } from 'node:fs/promises';

export interface FlatCamera {
  /** Y'CbCr (full range, as C420jpeg says), 0-255 each. */
  colour: [y: number, cb: number, cr: number];
  width?: number;
  height?: number;
  fps?: number;
  /** Chromium loops the file: a few identical frames make an endless still picture. */
  frames?: number;
}

/** Writes the YUV4MPEG2 file: a header, then per frame `FRAME\n` and the Y, Cb and Cr planes (4:2:0, so chroma at half size each way). */
export async function writeFlatCamera(path: string, { colour: [y, cb, cr], width = 320, height = 240, fps = 30, frames = 10 }: FlatCamera): Promise<string> {
  const chroma = (width / 2) * (height / 2);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(width * height, y), Buffer.alloc(chroma, cb), Buffer.alloc(chroma, cr)]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  await writeFile(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return path;
}
