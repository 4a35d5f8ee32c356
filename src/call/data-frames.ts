/**
 * What travels over the call's data channels, peer to peer, and its
 * validators. The other side is another person's browser: every frame is
 * parsed on receipt, and one that is malformed or too large is refused with a
 * sentence, never trusted and never allowed to throw.
 *
 * Two kinds of channel (see README, "Chat and files"):
 * - `control` (negotiated, id 0, ordered and reliable): small JSON frames for
 *   media state, chat, receipts and the file handshake.
 * - one `file:<id>` channel per accepted file, opened by the sender: the raw
 *   bytes as binary messages, then one JSON `end` frame with the SHA-256; the
 *   receiver answers on it with `ack` frames (its write progress). Where both
 *   sides announced FILE_RESUME, a file whose channel closed early gets a new
 *   one, carrying on from the offset the receiver asks for (`file-resume`).
 */
import * as v from 'valibot';
import { MAX_CHAT_LENGTH } from '../shared/chat-and-files';
import { ShareAnnouncement } from './share-media';

/** Room for the longest chat message with every character JSON-escaped (\uXXXX = 6 bytes). */
export const MAX_CONTROL_FRAME_LENGTH = MAX_CHAT_LENGTH * 6 + 256;
/** Chrome's SCTP stack refuses messages over 256 KiB (its a=max-message-size);
 * our sender uses up to that (FILE_CHUNK_SIZE), this bounds what we accept. */
export const MAX_CHUNK_SIZE = 256 * 1024;
/** 1 TiB: a ceiling against nonsense, far above any file a person sends in a call. */
export const MAX_FILE_SIZE = 2 ** 40;

export const FILE_CHANNEL_PREFIX = 'file:';

/** The feature name (`features` frame) of carrying a transfer on from the receiver's last written byte. */
export const FILE_RESUME = 'file-resume';

/** Ids are made by the sender (crypto.randomUUID()); the shape keeps them safe inside labels and DOM ids. */
const FrameId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/));

export const ControlFrame = v.variant('type', [
  v.strictObject({ type: v.literal('media'), mic: v.boolean(), camera: v.boolean() }),
  /** Sent every second: its silence tells a dead peer sooner than ICE does. */
  v.strictObject({ type: v.literal('alive') }),
  /** Which incoming stream is the shared tab or screen (the rest is the camera). */
  ShareAnnouncement,
  v.strictObject({ type: v.literal('chat'), id: FrameId, text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CHAT_LENGTH)) }),
  /** The receiver has the chat message: the sender shows "Delivered". */
  v.strictObject({ type: v.literal('delivered'), id: FrameId }),
  v.strictObject({
    type: v.literal('file-offer'),
    id: FrameId,
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
    size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_SIZE)),
    /** The sender's browser's guess; still sent, since a peer on an older version requires it, but never shown: the
     * receiver goes by the extension of the cleaned name, which is what decides what opens the file. */
    mime: v.pipe(v.string(), v.maxLength(255)),
  }),
  v.strictObject({ type: v.literal('file-accept'), id: FrameId }),
  v.strictObject({ type: v.literal('file-decline'), id: FrameId }),
  /** Either side stops a transfer at any point; the other stops too and keeps nothing. */
  v.strictObject({ type: v.literal('file-cancel'), id: FrameId }),
  /** The receiver compared both hashes: the sender shows the same verdict. */
  v.strictObject({ type: v.literal('file-verified'), id: FrameId, ok: v.boolean() }),
  /**
   * What this side's engine can do beyond the first protocol, sent when the channel opens. A peer from before
   * this frame drops it as malformed and is treated as having none of them; names it does not know are ignored.
   */
  v.strictObject({ type: v.literal('features'), names: v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(32)) }),
  /**
   * Receiver to sender, only to a peer that announced FILE_RESUME: the file's channel closed before its end, and
   * the first `offset` bytes are on disk. The sender carries on from there on a new `file:<id>` channel.
   */
  v.strictObject({ type: v.literal('file-resume'), id: FrameId, offset: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_SIZE)) }),
]);
export type ControlFrame = v.InferOutput<typeof ControlFrame>;

const Sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

/** The text frames on a file channel (the bytes themselves are binary frames). */
export const FileChannelFrame = v.variant('type', [
  v.strictObject({ type: v.literal('end'), sha256: Sha256Hex }),
  /** Bytes written to disk so far: the sender keeps at most a window ahead of it. */
  v.strictObject({ type: v.literal('ack'), bytes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_SIZE)) }),
]);
export type FileChannelFrame = v.InferOutput<typeof FileChannelFrame>;

export type Parsed<T> = { ok: true; frame: T } | { ok: false; error: string };

function parseText<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, maxLength: number, what: string): Parsed<T> {
  if (typeof raw !== 'string') return { ok: false, error: `A ${what} frame must be text, not binary.` };
  if (raw.length > maxLength) return { ok: false, error: `A ${what} frame of ${raw.length} characters is over the limit of ${maxLength}.` };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { ok: false, error: `A ${what} frame is not JSON.` };
  }
  const parsed = v.safeParse(schema, decoded);
  if (!parsed.success) return { ok: false, error: `A ${what} frame is malformed: ${parsed.issues[0].message}` };
  return { ok: true, frame: parsed.output };
}

export function parseControlFrame(raw: unknown): Parsed<ControlFrame> {
  return parseText(ControlFrame, raw, MAX_CONTROL_FRAME_LENGTH, 'control');
}

/** Text frames on a file channel are tiny: an `end` or an `ack`. */
export function parseFileChannelFrame(raw: string): Parsed<FileChannelFrame> {
  return parseText(FileChannelFrame, raw, 256, 'file');
}

export function fileChannelLabel(id: string): string {
  return `${FILE_CHANNEL_PREFIX}${id}`;
}

/** The transfer id in a file channel's label, or null when the label is not ours. */
export function transferIdOf(label: string): string | null {
  if (!label.startsWith(FILE_CHANNEL_PREFIX)) return null;
  const id = label.slice(FILE_CHANNEL_PREFIX.length);
  return v.is(FrameId, id) ? id : null;
}
