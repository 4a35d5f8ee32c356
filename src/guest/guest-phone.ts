/**
 * The guest page's telephone: what the extension splits between its worker
 * and its offscreen document, in one page and on the same modules. A key
 * made for this page registers a code of its own, with the same signed
 * registration as the extension's; the server connection, call controller
 * and signal relay are call control's (src/call-control/), the capture and
 * peer connection the media host's (src/media-host/). The call, its chat and
 * the page's code last as long as the page.
 */
import { type CallCode, generateIdentity, type Identity } from '../shared/call-code';
import { type CallStreams, QUALITY_SAMPLED } from '../shared/call-streams';
import { type ChatAndFiles, EMPTY_CHAT_AND_FILES } from '../shared/chat-and-files';
import { describeShortfall } from '../shared/describe-media';
import { NO_CHOICE } from '../shared/devices';
import type { BackgroundMessage, OffscreenMessage, Reply, ServerLink, UserCommand } from '../shared/runtime-messages';
import { describeCaptureError, type ShareCommand } from '../shared/share-state';
import { say, t } from '../shared/wording';
import type { CallCommands } from '../call-ui/commands';
import { createCallController } from '../call-control/call-controller';
import type { CallRecord } from '../call-control/call-store';
import { dial, isCommonCommand, runCommonCommand } from '../call-control/call-commands';
import { applyMediaReport } from '../call-control/media-reports';
import { createServerConnection } from '../call-control/server-connection';
import { createSignalRelay, type SignalRelay } from '../call-control/signal-relay';
import { memoryStorageArea } from '../call-control/storage-area';
import { createMediaHost } from '../media-host/media-host';
import { clearReceivedFiles, receivedFilesKept } from '../media-host/received-files';
import { captureScreen } from './screen-capture';

/** A received file, verified: the page offers it as a download for as long as it is open. */
export interface ReceivedLink {
  id: string;
  name: string;
  url: string;
}

export interface GuestView {
  server: ServerLink;
  myCode: CallCode;
  record: CallRecord;
  chatAndFiles: ChatAndFiles;
  received: ReceivedLink[];
}

export interface GuestPhone {
  view: () => GuestView;
  streams: CallStreams;
  /** For the call's components (chat, files); also takes dial, accept, hang-up, mute and share. */
  commands: CallCommands;
  /** Rings `code`, giving the other side `name` (unverified) if there is one. */
  dial: (code: CallCode, name: string | undefined) => Promise<Reply>;
}

export interface GuestPhoneOptions {
  /** The signaling server: the one that served this page. */
  serverUrl: string;
  /** The call, its chat or its streams changed. */
  onChange: () => void;
}

export async function startGuestPhone(options: GuestPhoneOptions): Promise<GuestPhone> {
  const log = (message: string, error?: unknown) => console.warn(`[PeerDial] ${message}`, error ?? '');
  const [{ keyPair, publicKeyRaw, code: myCode }] = await Promise.all([
    generateIdentity(),
    // Files a closed page left half-received in this origin's private storage.
    clearReceivedFiles(),
  ]);
  const identity: Identity = { privateKey: keyPair.privateKey, publicKeyRaw, code: myCode };
  const streams: CallStreams = { local: new MediaStream(), remote: new MediaStream(), localShare: new MediaStream(), remoteShare: new MediaStream(), pc: null, trace: [], fileBytesSent: 0 };
  let chatAndFiles = EMPTY_CHAT_AND_FILES;
  const received: ReceivedLink[] = [];
  let ringing = false;
  /** The screen capture the last Share screen click started: the picker opens inside the click, the share follows. */
  let screen: Promise<MediaStream> | null = null;
  let view: GuestView;

  const host = createMediaHost(streams, {
    notify: (message) => void report(message).catch((error: unknown) => log(`Could not take the media host's ${message.type}`, error)),
    receivedFiles: receivedFilesKept((file) => {
      received.push(file);
      host.handle({ target: 'offscreen', type: 'file-saved', id: file.id, error: null });
      changed(calls.record());
    }),
    changed: options.onChange,
    // The same window event the side panel listens for: the call view's readings work unchanged.
    showQuality(quality) {
      window.peerdialQuality = quality;
      window.dispatchEvent(new Event(QUALITY_SAMPLED));
    },
  });
  const tellMedia = async (message: OffscreenMessage) => host.handle(message);

  const calls = await createCallController({
    storage: memoryStorageArea(),
    signaling: () => connection.link(),
    startMedia: tellMedia,
    tellMedia,
    // The page is the media host: there is no document to close, only the call to stop (done by the message before).
    closeMedia: async () => {},
    // The browser's default devices: a guest picks them in the browser's own permission prompt.
    deviceChoice: () => NO_CHOICE,
    holdSignals: (callId) => relay.hold(callId),
    releaseSignals: (callId) => relay.release(callId),
    runShare,
    onChange: changed,
    log,
  });
  const relay: SignalRelay = await createSignalRelay({ link: () => connection.link(), call: () => calls.record().call, dispatch: calls.dispatch, log, storage: memoryStorageArea() });
  const connection = createServerConnection({
    target: () => ({ serverUrl: options.serverUrl, identity }),
    calls,
    relay: () => relay,
    tellMedia,
    statusChanged: () => changed(calls.record()),
  });

  function changed(record: CallRecord): void {
    const callStarts = view.record.call.phase === 'idle' && record.call.phase !== 'idle';
    // A new call starts with an empty chat; the last one's stays readable after it ends, and its files stay saveable.
    if (callStarts) chatAndFiles = EMPTY_CHAT_AND_FILES;
    view = { server: connection.status(), myCode: identity.code, record, chatAndFiles, received: [...received] };
    const nowRinging = record.call.phase === 'ringing';
    if (nowRinging !== ringing) {
      ringing = nowRinging;
      host.handle({ target: 'offscreen', type: 'ringtone', on: ringing });
    }
    options.onChange();
  }

  /** What the media host reports: what every client does alike, then what a page does in its own way. */
  async function report(message: BackgroundMessage): Promise<void> {
    if (await applyMediaReport(message, calls, relay)) return;
    switch (message.type) {
      case 'media-shortfall':
        return calls.setMediaNotice(describeShortfall(message.reason, message.got));
      case 'chat-and-files':
        if (calls.record().call.phase === 'idle') return;
        chatAndFiles = message.state;
        return changed(calls.record());
      case 'share-failed':
        return calls.dispatchShare({ type: 'failed', message: describeCaptureError(message.message) });
      case 'share-ended':
        return calls.dispatchShare({ type: 'ended', reason: 'capture-ended' });
      case 'device-notice':
        return calls.setMediaNotice(say(message.wording));
      default:
        return;
    }
  }

  async function runShare(command: ShareCommand): Promise<void> {
    if (command.type === 'release') return host.handle({ target: 'offscreen', type: 'stop-share' });
    const capture = screen;
    screen = null;
    if (!capture) return calls.dispatchShare({ type: 'failed', message: t('shareScreenCancelled') });
    let stream: MediaStream;
    try {
      stream = await capture;
    } catch (error) {
      return calls.dispatchShare({ type: 'failed', message: describeCaptureError(error instanceof Error ? `${error.name}: ${error.message}` : String(error)) });
    }
    await host.shareStream(stream).catch((error: unknown) => calls.dispatchShare({ type: 'failed', message: String(error) }));
  }

  async function send(command: UserCommand): Promise<Reply> {
    if (isCommonCommand(command)) return runCommonCommand(command, calls, tellMedia);
    switch (command.type) {
      case 'share-screen': {
        // Browsers open their picker only inside the click: it starts here, before anything is awaited.
        const capture = (screen = captureScreen());
        await calls.dispatchShare({ type: 'request', source: { kind: 'screen' }, stage: calls.record().call.phase === 'active' ? 'active' : 'none' });
        // Not taken for a share (no call to share into): whatever the picker gives is let go.
        if (screen === capture) {
          screen = null;
          void capture.then((stream) => stream.getTracks().forEach((track) => track.stop()), () => undefined);
        }
        const { share } = calls.record();
        return share.status === 'off' && share.problem ? { ok: false, message: share.problem } : { ok: true };
      }
      case 'stop-share':
        await calls.dispatchShare({ type: 'stop' });
        return { ok: true };
      default:
        return { ok: false, message: t('guestNotHere') };
    }
  }

  view = { server: connection.status(), myCode: identity.code, record: calls.record(), chatAndFiles, received: [] };
  connection.connect();

  return {
    view: () => view,
    streams,
    commands: { send, offerFiles: (files) => toReply(host.offerFiles(files)) },
    dial: (code, name) => dial(calls, code, identity.code, { name }),
  };
}

function toReply(reply: ReturnType<ReturnType<typeof createMediaHost>['offerFiles']>): Reply {
  return reply.ok ? reply : { ok: false, message: say(reply.words) };
}
