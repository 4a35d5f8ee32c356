/**
 * The service worker: wires the signaling link, the call controller, the
 * offscreen document and the indicators together. Chrome may stop this worker
 * whenever it is idle, so every listener is registered synchronously at the top
 * level and waits for the state to be reloaded before acting.
 */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { describeCaptureError } from '../shared/share-state';
import { BackgroundMessage, type PopupMessage, POPUP_PORT, type Reply, type ServerLink, type View } from '../shared/runtime-messages';
import { badgeKey, showCallOnBadge } from './badge';
import { type CallController, createCallController } from './call-controller';
import { type Identity, loadIdentity, replaceIdentity } from './identity';
import { closeOffscreenDocument, notifyOffscreen, offscreenAnnouncedReady, sendToOffscreen } from './offscreen-document';
import { openPermissionPage } from './permission-page';
import { ACCEPT_BUTTON, isRingNotification, showRingAlert } from './ring-alert';
import { loadServerUrl, saveServerUrl } from './settings';
import { createShareRunner, whyShareEnded } from './share-commands';
import { createShareMenu, listenForShareShortcuts } from './share-shortcuts';
import { connectSignaling, type SignalingLink } from './signaling-link';
import { handleUserCommand, type UserCommandDeps } from './user-commands';

const popups = new Set<browser.Runtime.Port>();
let identity: Identity;
let serverUrl: string;
let server: ServerLink = { status: 'connecting' };
let link: SignalingLink | null = null;
/** What the badge and ring alert last showed, so they change only when the call or share does. */
let shownPhase: string | null = null;
let shownBadge: string | null = null;

function log(message: string, error?: unknown): void {
  console.warn(`[PeerDial] ${message}`, error ?? '');
}

function view(calls: CallController): View {
  const { call, mediaNotice, share } = calls.record();
  return { call, myCode: identity?.code ?? null, server, serverUrl, mediaNotice, share };
}

function publish(calls: CallController): void {
  const message: PopupMessage = { target: 'popup', type: 'view', view: view(calls) };
  for (const port of popups) port.postMessage(message);
}

function connect(calls: CallController): void {
  link?.close();
  link = connectSignaling(serverUrl, identity, {
    onStatus(status) {
      server = status;
      publish(calls);
    },
    onEvent: {
      incoming: ({ callId, from }) => void calls.dispatch({ type: 'incoming', callId, from, now: Date.now() }),
      accepted: ({ callId }) => void calls.dispatch({ type: 'accepted', callId, now: Date.now() }),
      ended: ({ callId, reason }) => void calls.dispatch({ type: 'ended', callId, reason, now: Date.now() }),
      signal: ({ callId, data }) => {
        const call = calls.record().call;
        if (call.phase !== 'idle' && call.callId === callId) {
          void notifyOffscreen({ target: 'offscreen', type: 'signal-in', data });
        }
      },
    },
  });
}

async function start(): Promise<CallController> {
  [identity, serverUrl] = await Promise.all([loadIdentity(), loadServerUrl()]);
  const calls = await createCallController({
    signaling: () => link,
    startOffscreen: sendToOffscreen,
    notifyOffscreen,
    closeOffscreen: closeOffscreenDocument,
    runShare: createShareRunner({
      toOffscreen: notifyOffscreen,
      report: (event) => calls.dispatchShare(event),
    }),
    log,
    onChange(record) {
      publish(calls);
      const badge = badgeKey(record.call, record.share);
      if (badge !== shownBadge) {
        shownBadge = badge;
        void showCallOnBadge(record.call, record.share);
      }
      if (record.call.phase === shownPhase) return;
      shownPhase = record.call.phase;
      void showRingAlert(record.call, (on) => {
        if (on) return sendToOffscreen({ target: 'offscreen', type: 'ringtone', on });
        // A ring that ended unanswered leaves nothing for the document it opened to do; an accepted one keeps it for the call.
        if (record.call.phase === 'idle') return closeOffscreenDocument();
        return notifyOffscreen({ target: 'offscreen', type: 'ringtone', on });
      }).catch((error: unknown) => log('Could not show the incoming call', error));
    },
  });
  shownPhase = calls.record().call.phase;
  shownBadge = badgeKey(calls.record().call, calls.record().share);
  void showCallOnBadge(calls.record().call, calls.record().share);
  connect(calls);
  return calls;
}

const ready = start();

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
  };
}

async function route(message: BackgroundMessage, calls: CallController): Promise<Reply | undefined> {
  const now = Date.now();
  switch (message.type) {
    case 'user':
      return handleUserCommand(message.command, commandDeps(calls));
    case 'offscreen-ready':
      offscreenAnnouncedReady();
      return;
    case 'signal-out': {
      const call = calls.record().call;
      if (call.phase === 'idle' || !call.callId || !link) return;
      const result = await link.request('signal', { callId: call.callId, data: message.data });
      if (!result.ok) log(`A signaling message was not relayed: ${result.message}`);
      return;
    }
    case 'media-connection':
      await calls.dispatch({ type: message.state === 'connected' ? 'media-connected' : 'media-lost', now });
      return;
    case 'remote-media':
      await calls.dispatch({ type: 'remote-media', media: message.media });
      return;
    case 'media-shortfall':
      await calls.setMediaNotice(message.message);
      if (message.reason === 'permission') await openPermissionPage();
      return;
    case 'permission-granted':
      await calls.setMediaNotice(null);
      await notifyOffscreen({ target: 'offscreen', type: 'retry-media' });
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
      await calls.dispatchShare({ type: 'failed', message: 'Sharing cancelled: no screen or window was chosen.' });
      return;
    case 'screen-closed':
      await calls.dispatchShare({ type: 'ended', reason: 'window-closed' });
      return;
  }
}

browser.runtime.onMessage.addListener((raw: unknown) => {
  const parsed = v.safeParse(BackgroundMessage, raw);
  if (!parsed.success) {
    // Messages for other contexts pass through here too; only complain about our own malformed ones.
    if ((raw as { target?: unknown } | null)?.target === 'background') log('Malformed message', v.flatten(parsed.issues));
    return undefined;
  }
  return ready.then((calls) => route(parsed.output, calls));
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== POPUP_PORT) return;
  popups.add(port);
  port.onDisconnect.addListener(() => popups.delete(port));
  void ready.then((calls) => port.postMessage({ target: 'popup', type: 'view', view: view(calls) } satisfies PopupMessage));
});

browser.notifications.onButtonClicked.addListener((id, button) => {
  if (!isRingNotification(id)) return;
  void ready.then(async (calls) => {
    const accept = button === ACCEPT_BUTTON;
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
