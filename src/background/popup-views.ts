/**
 * The open popups and side panels (each holds a POPUP_PORT) and the view they
 * render: the worker owns the state, a page only shows the latest view it was
 * sent. A port may connect (and close) before the worker has loaded; it is
 * watched from the start and gets its first view once there is one.
 */
import type browser from 'webextension-polyfill';
import type { PopupMessage, ServerLink, View } from '../shared/runtime-messages';
import type { CallController } from '../call-control/call-controller';
import type { BlockListStore } from './block-list-store';
import type { CallHistoryStore } from './call-history-store';
import type { ChatAndFilesStore } from './chat-and-files';
import type { DeviceStore } from './device-store';
import type { Settings } from './settings-store';

export interface ViewSources {
  calls: CallController;
  history: CallHistoryStore;
  blocked: BlockListStore;
  chat: ChatAndFilesStore;
  devices: DeviceStore;
  settings: () => Readonly<Settings>;
  server: () => ServerLink;
  previewing: () => boolean;
}

export function buildView({ calls, history, blocked, chat, devices, settings, server, previewing }: ViewSources): View {
  const { call, mediaNotice, share, quality } = calls.record();
  const { calls: recent, nicknames } = history.state();
  const { identity, serverUrl, openCallViewOnAccept, previewWhileRinging } = settings();
  return {
    call,
    myCode: identity?.code ?? null,
    server: server(),
    serverUrl,
    mediaNotice,
    share,
    chatAndFiles: chat.state(),
    history: { calls: recent, nicknames },
    blocked: [...blocked.state()],
    openCallViewOnAccept,
    previewWhileRinging,
    previewing: previewing(),
    quality,
    devices: devices.view(),
  };
}

export interface PopupViewsSource {
  view: () => View;
  /** A page opened or closed: what it showed counts as read. */
  seen: () => Promise<void>;
}

export interface PopupViews {
  watch: (port: browser.Runtime.Port) => void;
  /** The worker has loaded: from now on views can be built. */
  attach: (source: PopupViewsSource) => void;
  /** Whether any page shows the call now (unread messages count only while none does). */
  open: () => boolean;
  /** Sends every open page the view as it is now. */
  publish: () => void;
}

export function createPopupViews(log: (message: string, error?: unknown) => void): PopupViews {
  const ports = new Set<browser.Runtime.Port>();
  let source: PopupViewsSource | null = null;
  let seenBeforeAttach = false;

  const message = (from: PopupViewsSource): PopupMessage => ({ target: 'popup', type: 'view', view: from.view() });
  function seen(): void {
    if (!source) seenBeforeAttach = true;
    else source.seen().catch((error: unknown) => log('Could not mark the chat read', error));
  }

  function publish(): void {
    if (!source || ports.size === 0) return;
    const latest = message(source);
    for (const port of ports) port.postMessage(latest);
  }

  return {
    watch(port) {
      ports.add(port);
      port.onDisconnect.addListener(() => {
        ports.delete(port);
        seen();
      });
      if (source) port.postMessage(message(source));
      seen();
    },
    attach(next) {
      source = next;
      // Pages that connected while the state was loading get their first view now.
      publish();
      if (seenBeforeAttach) seen();
    },
    open: () => ports.size > 0,
    publish,
  };
}
