/**
 * Builds the worker's parts and connects them to each other. Chrome may stop
 * the worker whenever it is idle and start a fresh one for the next event, so
 * the parts a listener needs at once (the pages' ports, the settings a click
 * reads) exist from the first line, and the rest once the state is reloaded:
 * `ready`.
 */
import browser from 'webextension-polyfill';
import type { Reply, UserCommand } from '../shared/runtime-messages';
import { createBadge } from './badge';
import { type CallController, createCallController } from '../call-control/call-controller';
import { loadBlockList } from './block-list-store';
import { loadCallHistory } from './call-history-store';
import { createCallReactions } from './call-reactions';
import { loadChatAndFiles } from './chat-and-files';
import { type DeviceStore, loadDeviceStore } from './device-store';
import { createMessageRouter, parseBackgroundMessage, type Route } from './message-router';
import { closeOffscreenDocument, notifyOffscreen, offscreenExists, sendToOffscreen } from './offscreen-document';
import { buildView, createPopupViews, type PopupViews } from './popup-views';
import { createRingPreview, type RingPreview } from './ring-preview';
import { createServerConnection } from '../call-control/server-connection';
import { createSettingsStore, type SettingsStore } from './settings-store';
import { createShareRunner } from './share-commands';
import { createSignalRelay } from '../call-control/signal-relay';
import { handleUserCommand } from './user-commands';

export interface LoadedWorker {
  calls: CallController;
  devices: DeviceStore;
  route: Route;
  command: (command: UserCommand) => Promise<Reply>;
  /** The offscreen document's port broke. */
  engineGone: () => Promise<void>;
}

export interface Worker {
  settings: SettingsStore;
  popups: PopupViews;
  ringPreview: RingPreview;
  ready: Promise<LoadedWorker>;
  /** A runtime message from a page or the offscreen document: the reply's promise, or undefined when it is not ours. */
  receive: (raw: unknown) => Promise<Reply | undefined> | undefined;
}

export function log(message: string, error?: unknown): void {
  console.warn(`[PeerDial] ${message}`, error ?? '');
}

export function startWorker(): Worker {
  const settings = createSettingsStore();
  const popups = createPopupViews(log);
  let loaded: LoadedWorker | null = null;
  const ringPreview = createRingPreview({
    call: () => loaded?.calls.record().call ?? null,
    show: (on) => ready.then((worker) => notifyOffscreen({ target: 'offscreen', type: 'preview', on, devices: worker.devices.choice() })),
    changed: () => popups.publish(),
    log,
  });

  async function load(): Promise<LoadedWorker> {
    const [, chat, history, blocked, deviceStore] = await Promise.all([
      settings.load(),
      loadChatAndFiles(),
      loadCallHistory(log),
      loadBlockList(log),
      // Device changes arrive only from calls, which need `ready`: by then the pages are attached.
      loadDeviceStore(() => popups.publish()),
    ]);
    const badge = createBadge();
    // Unread messages count only while no page shows them.
    const showBadge = () => badge.show(calls.record(), popups.open() ? 0 : chat.unread());
    const reactions = createCallReactions({
      call: () => calls.record().call,
      history,
      isBlocked: blocked.has,
      chat,
      devices: deviceStore,
      publish: () => popups.publish(),
      showBadge,
      ringPreviewChanged: () => ringPreview.callChanged(),
      sendToOffscreen,
      notifyOffscreen,
      closeOffscreen: closeOffscreenDocument,
      offscreenExists,
      log,
    });
    const calls: CallController = await createCallController({
      storage: browser.storage.session,
      signaling: () => server.link(),
      startMedia: sendToOffscreen,
      tellMedia: notifyOffscreen,
      closeMedia: closeOffscreenDocument,
      deviceChoice: () => deviceStore.choice(),
      holdSignals: (callId) => relay.hold(callId),
      releaseSignals: (callId) => relay.release(callId),
      runShare: createShareRunner({ toOffscreen: notifyOffscreen, report: (event) => calls.dispatchShare(event) }),
      log,
      onChange: reactions.changed,
    });
    const server = createServerConnection({
      target: settings.current,
      calls,
      relay: () => relay,
      tellMedia: notifyOffscreen,
      statusChanged: () => popups.publish(),
      blocked: blocked.state,
      missedWhileBusy: reactions.missedWhileBusy,
    });
    const relay = await createSignalRelay({ link: server.link, call: () => calls.record().call, dispatch: calls.dispatch, log, storage: browser.storage.session });

    const command = (userCommand: UserCommand) =>
      handleUserCommand(userCommand, {
        calls,
        myCode: () => settings.current().identity?.code ?? null,
        async newCode() {
          await settings.newIdentity();
          server.connect();
          popups.publish();
        },
        async setServerUrl(url) {
          await settings.setServerUrl(url);
          server.connect();
          popups.publish();
        },
        notifyOffscreen,
        history,
        blocked,
        sendBlocked: () => server.sendBlocked(),
        log,
        setOpenCallViewOnAccept: settings.setOpenCallViewOnAccept,
        setPreviewWhileRinging: settings.setPreviewWhileRinging,
        publish: () => popups.publish(),
        devices: deviceStore,
      });

    await reactions.resume(calls.record());
    server.connect();
    popups.attach({
      view: () => buildView({ calls, history, blocked, chat, devices: deviceStore, settings: settings.current, server: server.status, previewing: ringPreview.showing }),
      seen: () => chat.seen(Date.now()).then(showBadge),
    });
    return {
      calls,
      devices: deviceStore,
      route: createMessageRouter({ calls, relay, chat, devices: deviceStore, command, notifyOffscreen, popupOpen: popups.open, publish: () => popups.publish(), showBadge, log }),
      command,
      engineGone: () => reactions.engineGone(calls),
    };
  }

  const ready = load().then((worker) => {
    loaded = worker;
    ringPreview.callChanged();
    return worker;
  });

  return {
    settings,
    popups,
    ringPreview,
    ready,
    receive(raw) {
      const message = parseBackgroundMessage(raw, log);
      return message ? ready.then((worker) => worker.route(message)) : undefined;
    },
  };
}
