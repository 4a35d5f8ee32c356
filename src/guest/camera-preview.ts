/**
 * The guest's own camera before the call, so they see how they look and the
 * browser asks for the camera and microphone once, up front, rather than at
 * the moment the other person answers. Both are asked for, then the
 * microphone is let go: the call captures its own tracks, and a permission
 * already given is not asked again.
 */
import { useEffect, useState } from 'preact/hooks';

export type Preview = { status: 'asking' } | { status: 'on'; stream: MediaStream } | { status: 'blocked' };

/** The preview while `wanted`; its camera stops when it is no longer wanted (the call takes over). */
export function useCameraPreview(wanted: boolean): Preview {
  const [preview, setPreview] = useState<Preview>({ status: 'asking' });
  useEffect(() => {
    if (!wanted) return;
    let stream: MediaStream | null = null;
    let gone = false;
    void navigator.mediaDevices
      .getUserMedia({ video: true, audio: true })
      // A page without a camera still calls: the microphone alone is worth asking for.
      .catch(() => navigator.mediaDevices.getUserMedia({ audio: true }))
      .then(
        (got) => {
          for (const track of got.getAudioTracks()) track.stop();
          stream = new MediaStream(got.getVideoTracks());
          if (gone) return stopAll(stream);
          setPreview({ status: 'on', stream });
        },
        () => !gone && setPreview({ status: 'blocked' }),
      );
    return () => {
      gone = true;
      if (stream) stopAll(stream);
      setPreview({ status: 'asking' });
    };
  }, [wanted]);
  return preview;
}

function stopAll(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
