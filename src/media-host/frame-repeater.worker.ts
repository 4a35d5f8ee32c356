/**
 * The camera stand-in's frames (camera-stand-in.ts), off the main thread the
 * offscreen document shares with the popup. What is written is always a
 * copy of a camera frame made here, each a new frame with a capture time in
 * this worker's clock, later each time: libwebrtc drops a frame carrying a
 * capture time it has already seen, or one no later than the last.
 *
 * Until the transport is coming up every camera frame is copied and
 * written as it comes (the encoder drops them all, but a generator fed more
 * sparsely, one frame every 500 ms, went unencoded until the camera took its
 * sender back, in three calls of eight). Told the transport is coming up,
 * the latest picture is written again every REPEAT_MS and the camera's own
 * frames only update that picture, so the encoder has a frame within
 * REPEAT_MS of resuming; once repeating stops, every camera frame is copied
 * on until the camera takes its sender back.
 */
import type { FrameRepeaterCommand } from './camera-stand-in';

const REPEAT_MS = 10;
/**
 * Repeating goes on this long after the call connects: libwebrtc resumes its
 * encoder some tens of ms after DTLS is done on a busy machine, and every repeat
 * after that is encoded, CPU the other side's set-up wants too.
 */
const REPEAT_AFTER_CONNECTED_MS = 40;
/** If the call never connects, repeating stops on its own. */
const REPEAT_FOR_MS = 5_000;

interface Picture {
  data: ArrayBuffer;
  init: VideoFrameBufferInit;
}

/** The camera's latest frame, not copied yet. */
let latestFrame: VideoFrame | null = null;
/** The latest copy made. */
let copied: Picture | null = null;
let writer: WritableStreamDefaultWriter<VideoFrame> | null = null;
let repeater: ReturnType<typeof setInterval> | undefined;

/** The writer, unless its sink is stalled: a stalled sink is not fed more, as the frames would only queue in memory. */
const readyWriter = () => (writer && (writer.desiredSize ?? 0) > 0 ? writer : null);

/** The latest camera frame as a picture in memory, copied once however often it is written. */
async function latestPicture(): Promise<Picture | null> {
  const frame = latestFrame;
  if (!frame) return copied;
  latestFrame = null;
  try {
    // A buffer of its own: a write still reading the last copy must not see this one half made.
    const data = new ArrayBuffer(frame.allocationSize());
    const layout = await frame.copyTo(data);
    copied = { data, init: { format: frame.format!, codedWidth: frame.codedWidth, codedHeight: frame.codedHeight, timestamp: 0, layout } };
  } finally {
    frame.close();
  }
  return copied;
}

async function writeLatest(): Promise<void> {
  const picture = await latestPicture();
  const sink = readyWriter();
  if (!picture || !sink) return;
  const frame = new VideoFrame(picture.data, { ...picture.init, timestamp: Math.round(performance.now() * 1000) });
  sink.write(frame).catch(() => frame.close());
}

async function pump(readable: ReadableStream<VideoFrame>): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done) return;
    // A picture that cannot be read as pixels goes on as it is, and is not repeated.
    if (!frame.format) {
      const sink = readyWriter();
      if (sink) sink.write(frame).catch(() => frame.close());
      else frame.close();
      continue;
    }
    latestFrame?.close();
    latestFrame = frame;
    if (!repeater) await writeLatest();
  }
}

function stopRepeating(): void {
  clearInterval(repeater);
  repeater = undefined;
}

addEventListener('message', ({ data }: MessageEvent<FrameRepeaterCommand>) => {
  switch (data.type) {
    case 'start':
      writer = data.writable.getWriter();
      void pump(data.readable).finally(() => writer?.close().catch(() => {}));
      return;
    case 'hurry':
      if (repeater) return;
      void writeLatest();
      repeater = setInterval(() => void writeLatest(), REPEAT_MS);
      setTimeout(stopRepeating, REPEAT_FOR_MS);
      return;
    case 'connected':
      setTimeout(stopRepeating, REPEAT_AFTER_CONNECTED_MS);
      return;
  }
});
