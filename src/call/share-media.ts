/**
 * The media side of sharing that needs no browser: how many bits the shared
 * video may use, what the sharer tells the other side over the call's control
 * channel, and which incoming track is the camera and which the shared content.
 */
import * as v from 'valibot';

/** Bits per pixel per second for shared text: 1.5 gives 3.1 Mbit/s at 1920x1080. Static text costs little;
 * this headroom lets a scrolled page come back sharp within a few frames instead of smeared. */
const SHARE_BITS_PER_PIXEL_SECOND = 1.5;
/** Below this even a small window's text turns to mush when it scrolls. */
const MIN_SHARE_BITRATE = 1_000_000;
/** A 4K screen still fits a typical home uplink next to the camera. */
const MAX_SHARE_BITRATE = 8_000_000;
/** Frames per second a share is captured at, at most: text needs sharp frames more than many; 30 keeps a scrolled page or a video smooth. */
export const SHARE_MAX_FRAME_RATE = 30;
/** What a tab or screen capture is assumed to be before its first frame says otherwise. */
export const DEFAULT_SHARE_SIZE = { width: 1920, height: 1080 } as const;

/** The sender's maxBitrate for shared content of this size, in bits per second. */
export function shareMaxBitrate(size: { width?: number; height?: number }): number {
  const width = size.width && size.width > 0 ? size.width : DEFAULT_SHARE_SIZE.width;
  const height = size.height && size.height > 0 ? size.height : DEFAULT_SHARE_SIZE.height;
  const wanted = Math.round(width * height * SHARE_BITS_PER_PIXEL_SECOND);
  return Math.min(MAX_SHARE_BITRATE, Math.max(MIN_SHARE_BITRATE, wanted));
}

/** A MediaStream id as browsers make them (a UUID, sometimes braced); nothing else is trusted as one. */
const StreamId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9{}-]{1,64}$/));

/**
 * Over the call's control channel: the id of the stream whose tracks carry the
 * shared content (its msid in the SDP), or null when sharing stops. The camera
 * and microphone ride on another stream, so the receiver can tell them apart.
 */
export const ShareAnnouncement = v.strictObject({ type: v.literal('share'), stream: v.nullable(StreamId) });
export type ShareAnnouncement = v.InferOutput<typeof ShareAnnouncement>;

export type RemotePlace = 'camera' | 'share' | 'hidden';

/** What the receiver has been told: the stream being shared now, and every stream that ever was. */
export interface ShareAnnouncements {
  current: string | null;
  ever: ReadonlySet<string>;
}

export function noAnnouncements(): ShareAnnouncements {
  return { current: null, ever: new Set() };
}

export function announce(known: ShareAnnouncements, stream: string | null): ShareAnnouncements {
  const ever = new Set(known.ever);
  if (stream) ever.add(stream);
  return { current: stream, ever };
}

/**
 * Where an incoming track belongs. A stream that was shared and no longer is
 * stays hidden: its transceiver lingers after "Stop sharing" and must not show
 * up as a second camera.
 */
export function placeRemoteTrack(streamId: string | null, known: ShareAnnouncements): RemotePlace {
  if (streamId !== null && streamId === known.current) return 'share';
  if (streamId !== null && known.ever.has(streamId)) return 'hidden';
  return 'camera';
}
