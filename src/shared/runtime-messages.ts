/**
 * Messages between the extension's own contexts: popup, permission page,
 * offscreen document and service worker. Every message is an envelope
 * `{ target, type, ... }`; each context ignores what is not addressed to it.
 * They come only from our own pages, but are still parsed on receipt so a
 * mistake in one context shows up as a clear error, not a silent misstep.
 */
import * as v from 'valibot';
import { IceServer, SignalData } from './protocol';
import { HistoryEntry, NICKNAME_INPUT_LIMIT } from './call-history';
import type { QualityLevel as CallQualityLevel } from './call-quality';
import { CallState, MediaFlags, Role } from './call-state';
import { SHORTFALL_REASONS } from './describe-media';
import type { MessageKey } from './wording';
import { type ChatAndFiles, MAX_CHAT_LENGTH } from './chat-and-files';
import { DEVICE_KINDS, DeviceChoice, DeviceId, DeviceLists, DevicesInUse, DeviceView } from './devices';
import { ShareState } from './share-state';

const TransferId = v.pipe(v.string(), v.maxLength(64));
const ChatText = v.pipe(v.string(), v.maxLength(MAX_CHAT_LENGTH));

const QualityLevel = v.picklist(['good', 'fair', 'poor']) satisfies v.GenericSchema<unknown, CallQualityLevel>;

const Side = v.picklist(['me', 'peer']);
/** A message key the pages look up; an unknown one shows as itself rather than failing the whole state. */
const WordingSchema = v.strictObject({
  key: v.custom<MessageKey>((key) => typeof key === 'string' && /^\w{1,64}$/.test(key), 'not a message key'),
  values: v.pipe(v.array(v.pipe(v.string(), v.maxLength(1000))), v.maxLength(9)),
});
/** The offscreen document's chat and transfers, as the worker stores and the popup shows them. */
const ChatAndFilesSchema = v.strictObject({
  messages: v.array(v.strictObject({ id: v.string(), from: Side, text: v.string(), at: v.number(), delivered: v.boolean() })),
  transfers: v.array(
    v.strictObject({
      id: v.string(),
      direction: v.picklist(['send', 'receive']),
      name: v.string(),
      size: v.number(),
      status: v.picklist(['offered', 'transferring', 'paused', 'verifying', 'saving', 'done', 'declined', 'cancelled', 'failed']),
      bytes: v.number(),
      speed: v.number(),
      sampledAt: v.number(),
      detail: v.optional(WordingSchema),
      retryable: v.optional(v.literal(true)),
    }),
  ),
}) satisfies v.GenericSchema<unknown, ChatAndFiles>;

/** The tab a person asked to share, as the popup, keyboard command or context menu saw it. */
const TabRef = v.strictObject({
  id: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Null when Chrome does not tell us (no activeTab grant on that tab). */
  title: v.nullable(v.pipe(v.string(), v.maxLength(500))),
});
export type TabRef = v.InferOutput<typeof TabRef>;

/** What a person can ask for, from the popup, a notification button, the keyboard command or the context menu. */
export const UserCommand = v.variant('type', [
  /** With `shareTab`, the call shares that tab as soon as it connects. */
  /** `dataOnly`: "Send a file", a call without camera or microphone. */
  v.strictObject({ type: v.literal('dial'), code: v.string(), dataOnly: v.optional(v.boolean()), shareTab: v.optional(TabRef) }),
  v.strictObject({ type: v.literal('accept') }),
  v.strictObject({ type: v.literal('decline') }),
  v.strictObject({ type: v.literal('hangup') }),
  v.strictObject({ type: v.literal('set-mic'), on: v.boolean() }),
  v.strictObject({ type: v.literal('set-camera'), on: v.boolean() }),
  v.strictObject({ type: v.literal('dismiss') }),
  v.strictObject({ type: v.literal('new-code') }),
  v.strictObject({ type: v.literal('set-server-url'), url: v.string() }),
  v.strictObject({ type: v.literal('chat'), text: ChatText }),
  v.strictObject({ type: v.literal('accept-file'), id: TransferId }),
  v.strictObject({ type: v.literal('decline-file'), id: TransferId }),
  v.strictObject({ type: v.literal('cancel-file'), id: TransferId }),
  v.strictObject({ type: v.literal('retry-file'), id: TransferId }),
  v.strictObject({ type: v.literal('share-tab'), tab: TabRef }),
  v.strictObject({ type: v.literal('share-screen') }),
  v.strictObject({ type: v.literal('stop-share') }),
  /** An empty name clears the nickname. Lengths are bounded here; what a nickname may be is call-history.ts's to say, in words. */
  v.strictObject({
    type: v.literal('set-nickname'),
    code: v.pipe(v.string(), v.maxLength(64)),
    name: v.pipe(v.string(), v.maxLength(NICKNAME_INPUT_LIMIT)),
  }),
  v.strictObject({ type: v.literal('clear-history') }),
  /** That code's rings find this one offline from now on; blocking the code that is ringing also declines it. */
  v.strictObject({ type: v.literal('block'), code: v.pipe(v.string(), v.maxLength(64)) }),
  v.strictObject({ type: v.literal('unblock'), code: v.pipe(v.string(), v.maxLength(64)) }),
  v.strictObject({ type: v.literal('set-open-call-view'), on: v.boolean() }),
  v.strictObject({ type: v.literal('set-preview-while-ringing'), on: v.boolean() }),
  /** Use this microphone, camera or speaker now and in later calls. */
  v.strictObject({ type: v.literal('set-device'), kind: v.picklist(DEVICE_KINDS), id: DeviceId }),
]);
export type UserCommand = v.InferOutput<typeof UserCommand>;

export const BackgroundMessage = v.variant('type', [
  v.strictObject({ target: v.literal('background'), type: v.literal('user'), command: UserCommand }),
  v.strictObject({ target: v.literal('background'), type: v.literal('signal-out'), data: SignalData }),
  v.strictObject({ target: v.literal('background'), type: v.literal('media-connection'), state: v.picklist(['connected', 'lost']) }),
  v.strictObject({ target: v.literal('background'), type: v.literal('remote-media'), media: MediaFlags }),
  /** Capture could not get everything asked for; `got` says what it has. */
  v.strictObject({
    target: v.literal('background'),
    type: v.literal('media-shortfall'),
    reason: v.picklist(SHORTFALL_REASONS),
    got: MediaFlags,
  }),
  v.strictObject({ target: v.literal('background'), type: v.literal('permission-granted'), media: MediaFlags }),
  v.strictObject({ target: v.literal('background'), type: v.literal('chat-and-files'), state: ChatAndFilesSchema }),
  /** A received file, verified and on disk in the offscreen document's private storage: save it to Downloads. */
  v.strictObject({
    target: v.literal('background'),
    type: v.literal('save-file'),
    id: TransferId,
    url: v.pipe(v.string(), v.startsWith('blob:chrome-extension://')),
    name: v.string(),
  }),
  /** The offscreen document is sending the shared content. */
  v.strictObject({ target: v.literal('background'), type: v.literal('share-started') }),
  /** Capture failed; `message` is Chrome's own, for the worker to put in words. */
  v.strictObject({ target: v.literal('background'), type: v.literal('share-failed'), message: v.pipe(v.string(), v.maxLength(1000)) }),
  /** The shared capture ended by itself (tab closed, or Chrome's own "Stop sharing"). */
  v.strictObject({ target: v.literal('background'), type: v.literal('share-ended') }),
  /** From the screen picker page: the person closed Chrome's picker without choosing. */
  v.strictObject({ target: v.literal('background'), type: v.literal('screen-cancelled') }),
  /** From the screen picker page: its window is closing, which ends the screen capture it holds. */
  v.strictObject({ target: v.literal('background'), type: v.literal('screen-closed') }),
  /** The connected call's quality changed level (sent on change only; the offscreen document samples once a second). */
  v.strictObject({ target: v.literal('background'), type: v.literal('quality'), level: QualityLevel }),
  /** The devices the offscreen document can use (it has the permission to read their names) and those it uses. */
  v.strictObject({ target: v.literal('background'), type: v.literal('devices'), lists: DeviceLists, inUse: DevicesInUse }),
  /** A device was missing, unplugged or could not be switched to: the words for the worker to say (this document has no i18n). */
  v.strictObject({ target: v.literal('background'), type: v.literal('device-notice'), wording: WordingSchema }),
]);
export type BackgroundMessage = v.InferOutput<typeof BackgroundMessage>;

export const OffscreenMessage = v.variant('type', [
  /** `devices`: the remembered choice; a device that is not connected falls back to the default. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('start'), local: MediaFlags, devices: DeviceChoice }),
  /** The user chose another device mid-call: switch without renegotiating. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('set-devices'), devices: DeviceChoice }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('connect'), role: Role, iceServers: v.array(IceServer) }),
  /** While it rings: the callee's peer connection, answering the caller's offer (the worker keeps the answer until the accept). */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('prepare'), iceServers: v.array(IceServer) }),
  /** The accept has gone, and with it the prepared answer: the document's copy of it can go. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('release') }),
  /** A relay credential the server granted after the connection was built (see the call state's use-relay). */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('use-relay'), iceServers: v.array(IceServer), renewal: v.boolean() }),
  /** While it rings: show (or stop showing) the callee's own camera, from the remembered one; Accept makes it the call's. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('preview'), on: v.boolean(), devices: DeviceChoice }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('signal-in'), data: SignalData }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('set-local-media'), local: MediaFlags }),
  /** Permission arrived after the call started: capture again and add what is now allowed. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('retry-media') }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('ringtone'), on: v.boolean() }),
  /** Share the tab this tabCapture id names, replacing what is shared. */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('share-tab'), streamId: v.pipe(v.string(), v.maxLength(200)) }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('stop-share') }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('stop') }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('chat'), text: ChatText }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('answer-file'), id: TransferId, accept: v.boolean() }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('cancel-file'), id: TransferId }),
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('retry-file'), id: TransferId }),
  /** The downloads API is done with a received file (`error` null: saved). */
  v.strictObject({ target: v.literal('offscreen'), type: v.literal('file-saved'), id: TransferId, error: v.nullable(v.string()) }),
]);
export type OffscreenMessage = v.InferOutput<typeof OffscreenMessage>;

const ServerLink = v.variant('status', [
  v.strictObject({ status: v.literal('connecting') }),
  v.strictObject({ status: v.literal('online') }),
  v.strictObject({ status: v.literal('offline'), message: v.string() }),
]);
export type ServerLink = v.InferOutput<typeof ServerLink>;

/** Everything the popup shows, pushed by the background over a port. */
const View = v.strictObject({
  call: CallState,
  /** Null until the identity is loaded (first start generates the key). */
  myCode: v.nullable(v.string()),
  server: ServerLink,
  serverUrl: v.string(),
  /** A problem with this call's media, in words ("Camera blocked: …"). */
  mediaNotice: v.nullable(v.string()),
  /** This call's chat and file transfers (empty between calls). */
  chatAndFiles: ChatAndFilesSchema,
  /** What we share, if anything, and the last sharing problem in words. */
  share: ShareState,
  /** The recent calls, newest first, and the nicknames given to codes. */
  history: v.strictObject({ calls: v.array(HistoryEntry), nicknames: v.record(v.string(), v.string()) }),
  /** The codes whose rings find this one offline. */
  blocked: v.array(v.string()),
  /** The setting: accepting a call opens the side panel's call view. */
  openCallViewOnAccept: v.boolean(),
  /** The setting: an incoming call on screen shows your own camera before you answer. */
  previewWhileRinging: v.boolean(),
  /** This ring's camera preview is on in the offscreen document (its track may still be on its way). */
  previewing: v.boolean(),
  /** The connected call's quality level, null outside one (the full reading is the side panel's to borrow from the offscreen document). */
  quality: v.nullable(QualityLevel),
  /** The devices this call can use and uses (empty between calls: only the offscreen document can list them). */
  devices: DeviceView,
});
export type View = v.InferOutput<typeof View>;

export const PopupMessage = v.strictObject({ target: v.literal('popup'), type: v.literal('view'), view: View });
export type PopupMessage = v.InferOutput<typeof PopupMessage>;

export const POPUP_PORT = 'popup';
/** Held by the offscreen document: the worker's line to it; its breaking wakes a stopped worker, and tells the worker the document is gone. */
export const OFFSCREEN_PORT = 'offscreen';
/** Held by a page while it shows an incoming call with your camera in it: the camera runs while one is open. */
export const RING_PREVIEW_PORT = 'ring-preview';

/** The worker's answer to a user command: done (and what happened, when that needs saying), or why not, in words. */
export const Reply = v.variant('ok', [
  v.strictObject({ ok: v.literal(true), message: v.optional(v.string()) }),
  v.strictObject({ ok: v.literal(false), message: v.string() }),
]);
export type Reply = v.InferOutput<typeof Reply>;
