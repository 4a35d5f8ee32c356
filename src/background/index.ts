/**
 * The service worker's table of contents: which module hears which browser
 * event. Chrome may stop this worker whenever it is idle and wakes a fresh
 * one for the next event, which it delivers only to listeners registered
 * synchronously at the top level; so every listener is registered here, at
 * once, and the parts that need the reloaded state wait for `ready`.
 */
import '../i18n/browser-catalog';
import browser from 'webextension-polyfill';
import { OFFSCREEN_PORT, POPUP_PORT, RING_PREVIEW_PORT } from '../shared/runtime-messages';
import { openCallViewInGesture } from './call-view-on-accept';
import { openActionPopup } from '../chrome/action-popup';
import { adoptOffscreenPort } from './offscreen-document';
import { answerFromNotification } from './ring-alert';
import { createShareMenu, listenForShareShortcuts } from './share-shortcuts';
import { log, startWorker } from './start-worker';

const { settings, popups, ringPreview, ready, receive } = startWorker();

browser.runtime.onMessage.addListener(receive);

browser.runtime.onConnect.addListener((port) => {
  switch (port.name) {
    case POPUP_PORT:
      return popups.watch(port);
    case RING_PREVIEW_PORT:
      return ringPreview.watch(port);
    case OFFSCREEN_PORT:
      return adoptOffscreenPort(port, {
        // No sender waits on a port message to hear that it failed: the failure is logged here.
        message: (raw) => void receive(raw)?.catch((error: unknown) => log('A message from the call engine failed', error)),
        gone: () => void ready.then((worker) => worker.engineGone()),
      });
  }
});

browser.notifications.onButtonClicked.addListener((id, button) =>
  answerFromNotification(id, button, {
    openCallViewOnAccept: () => settings.current().openCallViewOnAccept,
    openCallViewInGesture: () => openCallViewInGesture(log),
    answer: (accept) => ready.then((worker) => worker.command({ type: accept ? 'accept' : 'decline' })).then(() => undefined),
    openPopup: () => openActionPopup().catch(() => undefined),
  }),
);

listenForShareShortcuts((tab) => ready.then((worker) => worker.command({ type: 'share-tab', tab })));
browser.tabs.onRemoved.addListener((tabId) => void ready.then((worker) => worker.calls.dispatchShare({ type: 'tab-closed', tabId })));

// Waking the worker is enough: starting connects to the server so calls can ring.
browser.runtime.onStartup.addListener(() => void ready);
browser.runtime.onInstalled.addListener(() => {
  createShareMenu();
  void ready;
});
