import { useEffect, useRef } from 'preact/hooks';

/** Always muted: the offscreen document plays the call's sound, whether or not the popup is open. */
export function StreamVideo({ stream, label, className }: { stream: MediaStream | null; label: string; className: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }, [stream]);
  return <video ref={ref} class={className} aria-label={label} autoPlay playsInline muted />;
}
