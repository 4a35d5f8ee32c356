/**
 * The camera stand-in's frames (camera-stand-in.ts), off the main thread the
 * offscreen document shares with the popup. Every camera frame is copied to
 * memory and passed on as that copy, and once the other side is connecting
 * the latest copy is written again every REPEAT_MS, each time as a new
 * frame: libwebrtc drops a frame carrying the capture time of one it has
 * already seen, so writing the camera's own frame twice would not do.
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

let latest: Picture | null = null;
let writer: WritableStreamDefaultWriter<VideoFrame> | null = null;
let repeater: ReturnType<typeof setInterval> | undefined;

/** The writer, unless its sink is stalled: a stalled sink is not fed more, as the frames would only queue in memory. */
const readyWriter = () => (writer && (writer.desiredSize ?? 0) > 0 ? writer : null);

/** Capture times in one clock, later each time: the encoder drops a frame no later than the last. */
function write(picture: Picture): void {
  const sink = readyWriter();
  if (!sink) return;
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
    try {
      const data = new ArrayBuffer(frame.allocationSize());
      const layout = await frame.copyTo(data);
      latest = { data, init: { format: frame.format, codedWidth: frame.codedWidth, codedHeight: frame.codedHeight, timestamp: 0, layout } };
    } finally {
      frame.close();
    }
    write(latest);
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
      repeater = setInterval(() => latest && write(latest), REPEAT_MS);
      setTimeout(stopRepeating, REPEAT_FOR_MS);
      return;
    case 'connected':
      setTimeout(stopRepeating, REPEAT_AFTER_CONNECTED_MS);
      return;
  }
});
