/**
 * The service worker: wires the signaling link, the call controller, the
 * offscreen document and the indicators together. Chrome may stop this worker
 * whenever it is idle, so every listener is registered synchronously at the top
 * level and waits for the state to be reloaded before acting.
 */
import '../i18n/browser-catalog';
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import type { HistoryEntry } from '../shared/call-history';
import { describeShortfall } from '../shared/describe-media';
import { say, t } from '../shared/wording';
import type { SignalData } from '../shared/protocol';
import { markSetupStep } from '../shared/setup-marks';
import { describeCaptureError } from '../shared/share-state';
import {
  BackgroundMessage,
  OFFSCREEN_PORT,
  type PopupMessage,
  POPUP_PORT,
  type Reply,
  RING_PREVIEW_PORT,
  type ServerLink,
  type View,
} from '../shared/runtime-messages';
import { badgeKey, showCallOnBadge } from './badge';
import { type CallController, createCallController } from './call-controller';
import { type CallHistoryStore, loadCallHistory } from './call-history-store';
import { noteRingWindow, openCallViewInGesture } from './call-view-on-accept';
import { type ChatAndFilesStore, loadChatAndFiles } from './chat-and-files';
import { type DeviceStore, loadDeviceStore } from './device-store';
import { type Identity, loadIdentity, replaceIdentity } from './identity';
import { adoptOffscreenPort, closeOffscreenDocument, notifyOffscreen, offscreenExists, sendToOffscreen } from './offscreen-document';
import { openPermissionPage } from './permission-page';
import { ACCEPT_BUTTON, isRingNotification, showRingAlert } from './ring-alert';
import { createRingPreview } from './ring-preview';
import { saveToDownloads } from './save-file';
import { loadServerUrl, openCallViewOnAccept as openCallViewSetting, previewWhileRinging as previewSetting, saveServerUrl } from './settings';
import { createShareRunner, whyShareEnded } from './share-commands';
import { createShareMenu, listenForShareShortcuts } from './share-shortcuts';
import { createSignalRelay, type SignalRelay } from './signal-relay';
import { connectSignaling, type SignalingLink } from './signaling-link';
import { handleUserCommand, type UserCommandDeps } from './user-commands';

const popups = new Set<browser.Runtime.Port>();
let identity: Identity;
let chat: ChatAndFilesStore;
let history: CallHistoryStore;
let devices: DeviceStore;
let serverUrl: string;
let openCallViewOnAccept = false;
let previewWhileRinging = true;
let server: ServerLink = { status: 'connecting' };
let link: SignalingLink | null = null;
/** The call phase the ring alert last showed, and what the badge last showed: each changes only when that does. */
let shownPhase: string | null = null;
let shownBadge: string | null = null;
let relay: SignalRelay;

function log(message: string, error?: unknown): void {
  console.warn(`[PeerDial] ${message}`, error ?? '');
}

function view(calls: CallController): View {
  const { call, mediaNotice, share, quality } = calls.record();
  const { calls: recent, nicknames } = history.state();
  return {
    call,
    myCode: identity?.code ?? null,
    server,
    serverUrl,
    mediaNotice,
    share,
    chatAndFiles: chat.state(),
    history: { calls: recent, nicknames },
    openCallViewOnAccept,
    previewWhileRinging,
    previewing: ringPreview.showing(),
    quality,
    devices: devices.view(),
  };
}

/** Unread messages count only while no popup shows them. */
const unreadNow = () => (popups.size > 0 ? 0 : chat.unread());

/** Transfers publish progress several times a second; the badge changes only when what it shows does. */
function showBadge(calls: CallController): Promise<void> {
  const { call, share, quality } = calls.record();
  const unread = unreadNow();
  const key = badgeKey(call, share, unread, quality);
  if (key === shownBadge) return Promise.resolve();
  shownBadge = key;
  return showCallOnBadge(call, share, unread, quality);
}

function publish(calls: CallController): void {
  const message: PopupMessage = { target: 'popup', type: 'view', view: view(calls) };
  for (const port of popups) port.postMessage(message);
}

/** The other side's signal, for the offscreen document's peer connection if it belongs to this call. */
function signalIn(calls: CallController, callId: string, data: SignalData): void {
  const { call } = calls.record();
  if (call.phase === 'idle' || call.callId !== callId) return;
  if (data.kind === 'description' && data.description.type === 'answer') markSetupStep('answer-arrived');
  void notifyOffscreen({ target: 'offscreen', type: 'signal-in', data });
}

function connect(calls: CallController): void {
  link?.close();
  link = connectSignaling(serverUrl, identity, {
    onStatus(status) {
      server = status;
      if (status.status === 'online') relay.registered();
      publish(calls);
    },
    onEvent: {
      incoming: ({ callId, from, iceServers }) => void calls.dispatch({ type: 'incoming', callId, from, iceServers, now: Date.now() }),
      accepted: ({ callId, signals }) => {
        markSetupStep('accepted-arrived');
        // The answer goes to the offscreen document before the popup hears of the accept: the two share one main
        // thread, and the popup redrawing for the new state held the answer up by 5-10 ms.
        for (const data of signals) signalIn(calls, callId, data);
        void calls.dispatch({ type: 'accepted', callId, now: Date.now() });
      },
      ended: ({ callId, reason }) => void calls.dispatch({ type: 'ended', callId, reason, now: Date.now() }),
      signal: ({ callId, data }) => signalIn(calls, callId, data),
      'peer-status': (status) => relay.peerStatus(status),
    },
  });
}

async function start(): Promise<CallController> {
  [identity, serverUrl, chat, history, openCallViewOnAccept, previewWhileRinging, devices] = await Promise.all([
    loadIdentity(),
    loadServerUrl(),
    loadChatAndFiles(),
    loadCallHistory(log),
    openCallViewSetting.load(),
    previewSetting.load(),
    // Device changes arrive only from calls, which need `ready`: by then publishing can run.
    loadDeviceStore(() => void ready.then(publish)),
  ]);
  const calls = await createCallController({
    storage: browser.storage.session,
    signaling: () => link,
    startOffscreen: sendToOffscreen,
    notifyOffscreen,
    closeOffscreen: closeOffscreenDocument,
    deviceChoice: () => devices.choice(),
    holdSignals: (callId) => relay.hold(callId),
    releaseSignals: (callId) => relay.release(callId),
    runShare: createShareRunner({
      toOffscreen: notifyOffscreen,
      report: (event) => calls.dispatchShare(event),
    }),
    log,
    onChange(record) {
      publish(calls);
      ringPreview.callChanged();
      if (record.finished) void recordFinished(record.finished, calls);
      void showBadge(calls);
      if (record.call.phase === shownPhase) return;
      shownPhase = record.call.phase;
      // The chat and the device lists are this call's only: they go when the call does.
      if (record.call.phase === 'idle') void Promise.all([chat.clear(), devices.clear()]).then(() => publish(calls));
      if (record.call.phase === 'ringing') noteRingWindow();
      void showRingAlert(record.call, history.state().nicknames, (on) => {
        // The alert shows its notification first; by then a quick Decline may have ended the ring: ask the call as it is now.
        const { phase } = calls.record().call;
        if (on && phase === 'ringing') return sendToOffscreen({ target: 'offscreen', type: 'ringtone', on });
        // A ring that ended unanswered leaves nothing for the document it opened to do; an accepted one keeps it for the call.
        if (phase === 'idle') return closeOffscreenDocument();
        return notifyOffscreen({ target: 'offscreen', type: 'ringtone', on: false });
      }).catch((error: unknown) => log('Could not show the incoming call', error));
    },
  });
  relay = await createSignalRelay({ link: () => link, call: () => calls.record().call, dispatch: calls.dispatch, log, storage: browser.storage.session });
  shownPhase = calls.record().call.phase;
  if (shownPhase === 'ringing') noteRingWindow();
  // A call that ended just before the last worker stopped may not be in the history yet; written twice it is still one entry.
  const { finished } = calls.record();
  if (finished) await history.record(finished).catch((error: unknown) => log('Could not write the call history', error));
  void showBadge(calls);
  connect(calls);
  loaded = calls;
  return calls;
}

function recordFinished(entry: HistoryEntry, calls: CallController): Promise<void> {
  return history.record(entry).then(
    (changed) => {
      if (changed) publish(calls);
    },
    (error: unknown) => log('Could not write the call history', error),
  );
}

/** The controller once `ready`: a port may connect (and break) before, and must be watched from the start. */
let loaded: CallController | null = null;
const ringPreview = createRingPreview({
  call: () => loaded?.record().call ?? null,
  show: (on) => notifyOffscreen({ target: 'offscreen', type: 'preview', on, devices: devices.choice() }),
  changed: () => {
    if (loaded) publish(loaded);
  },
  log,
});
const ready = start();
void ready.then(() => ringPreview.callChanged());

function commandDeps(calls: CallController): UserCommandDeps {
  return {
    calls,
    myCode: () => identity.code,
    async newCode() {
      identity = await replaceIdentity();
      connect(calls);
      publish(calls);
    },
    async setServerUrl(url) {
      serverUrl = url;
      await saveServerUrl(url);
      connect(calls);
      publish(calls);
    },
    notifyOffscreen,
    history,
    async setOpenCallViewOnAccept(on) {
      openCallViewOnAccept = on;
      await openCallViewSetting.save(on);
    },
    async setPreviewWhileRinging(on) {
      previewWhileRinging = on;
      await previewSetting.save(on);
    },
    publish: () => publish(calls),
    devices,
  };
}

async function route(message: BackgroundMessage, calls: CallController): Promise<Reply | undefined> {
  const now = Date.now();
  switch (message.type) {
    case 'user':
      return handleUserCommand(message.command, commandDeps(calls));
    case 'signal-out':
      relay.send(message.data);
      return;
    case 'media-connection':
      await calls.dispatch({ type: message.state === 'connected' ? 'media-connected' : 'media-lost', now });
      return;
    case 'remote-media':
      await calls.dispatch({ type: 'remote-media', media: message.media });
      return;
    case 'media-shortfall':
      await calls.setMediaNotice(describeShortfall(message.reason, message.got));
      if (message.reason === 'permission') await openPermissionPage();
      return;
    case 'permission-granted':
      await calls.setMediaNotice(null);
      await notifyOffscreen({ target: 'offscreen', type: 'retry-media' });
      return;
    case 'chat-and-files':
      if (calls.record().call.phase === 'idle') return;
      await chat.update(message.state);
      if (popups.size > 0) await chat.seen(now);
      publish(calls);
      await showBadge(calls);
      return;
    case 'save-file':
      // Not awaited: the offscreen document's message is answered now, the verdict follows by message.
      void saveToDownloads(message.url, message.name).then((error) => {
        if (error) log(`A received file could not be saved: ${error}`);
        return notifyOffscreen({ target: 'offscreen', type: 'file-saved', id: message.id, error });
      });
      return;
    case 'share-started':
      await calls.dispatchShare({ type: 'started' });
      return;
    case 'share-failed':
      await calls.dispatchShare({ type: 'failed', message: describeCaptureError(message.message) });
      return;
    case 'share-ended': {
      const { share } = calls.record();
      const tabId = share.status !== 'off' && share.source.kind === 'tab' ? share.source.tabId : null;
      await calls.dispatchShare({ type: 'ended', reason: await whyShareEnded(tabId) });
      return;
    }
    case 'screen-cancelled':
      await calls.dispatchShare({ type: 'failed', message: t('shareScreenCancelled') });
      return;
    case 'screen-closed':
      await calls.dispatchShare({ type: 'ended', reason: 'window-closed' });
      return;
    case 'quality':
      await calls.setQuality(message.level);
      return;
    case 'devices':
      // A report still on its way when the call ended would show a finished call's devices.
      if (calls.record().call.phase !== 'idle') await devices.found(message.lists, message.inUse);
      return;
    case 'device-notice':
      if (calls.record().call.phase !== 'idle') await devices.tell(say(message.wording));
      return;
  }
}

/** A message from the popup, another page or the offscreen document, whichever way it came. */
function receive(raw: unknown): ReturnType<typeof route> | undefined {
  const parsed = v.safeParse(BackgroundMessage, raw);
  if (!parsed.success) {
    // Messages for other contexts pass through here too; only complain about our own malformed ones.
    if ((raw as { target?: unknown } | null)?.target === 'background') log('Malformed message', v.flatten(parsed.issues));
    return undefined;
  }
  return ready.then((calls) => route(parsed.output, calls));
}

browser.runtime.onMessage.addListener(receive);

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== POPUP_PORT) return;
  popups.add(port);
  // What the popup showed until it closed counts as read.
  const seen = (calls: CallController) => chat.seen(Date.now()).then(() => showBadge(calls));
  port.onDisconnect.addListener(() => {
    popups.delete(port);
    void ready.then(seen);
  });
  void ready.then((calls) => {
    port.postMessage({ target: 'popup', type: 'view', view: view(calls) } satisfies PopupMessage);
    return seen(calls);
  });
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === RING_PREVIEW_PORT) ringPreview.watch(port);
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== OFFSCREEN_PORT) return;
  // No sender waits on a port message to hear that it failed: the failure is logged here.
  port.onMessage.addListener((raw: unknown) => void receive(raw)?.catch((error: unknown) => log('A message from the call engine failed', error)));
  adoptOffscreenPort(port, () => {
    void ready.then(async (calls) => {
      // The document closes on purpose only once the call is over; gone mid-call, it crashed or was closed under us.
      const { phase } = calls.record().call;
      if ((phase === 'connecting' || phase === 'active') && !(await offscreenExists())) {
        await calls.dispatch({ type: 'engine-lost', now: Date.now() });
      }
    });
  });
});

browser.notifications.onButtonClicked.addListener((id, button) => {
  if (!isRingNotification(id)) return;
  const accept = button === ACCEPT_BUTTON;
  // Before any await: the side panel opens only within the click's gesture. (A worker woken by this very click has not loaded the setting yet; a ringing call keeps it awake, so that is rare.)
  if (accept && openCallViewOnAccept) openCallViewInGesture(log);
  void ready.then(async (calls) => {
    await handleUserCommand({ type: accept ? 'accept' : 'decline' }, commandDeps(calls));
    // Show the call: the popup is where the video is.
    if (accept) await chrome.action.openPopup().catch(() => undefined);
  });
});

listenForShareShortcuts((tab) => ready.then((calls) => handleUserCommand({ type: 'share-tab', tab }, commandDeps(calls))));
chrome.tabs.onRemoved.addListener((tabId) => void ready.then((calls) => calls.dispatchShare({ type: 'tab-closed', tabId })));

// Waking the worker is enough: start() connects to the server so calls can ring.
browser.runtime.onStartup.addListener(() => void ready);
browser.runtime.onInstalled.addListener(() => {
  createShareMenu();
  void ready;
});
